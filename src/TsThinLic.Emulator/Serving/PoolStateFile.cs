using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using TsThinLic.Pdu;
using TsThinLic.Storage.Files;

namespace TsThinLic.Emulator.Serving;

/// <summary>
/// The license pool's books on disk (`serve --state FILE`), format <c>tsthinlic-serve-state/1</c>: JSON with every CAL
/// counted (HWID, temporary or permanent, NotBefore, NotAfter, serial number), the devices that logged on and the last
/// serial number. Written the way the file store commits (temporary file, fsync, rename, directory fsync; created
/// 0600), so a crash leaves the old books or the new ones, never a mix. Reading is bounded and never throws on content.
/// </summary>
public static class PoolStateFile
{
    /// <summary>The format name in the file.</summary>
    public const string Format = "tsthinlic-serve-state/1";

    /// <summary>The largest state file read (a million devices fit).</summary>
    public const long MaxLength = 256L * 1024 * 1024;

    /// <summary>The most CALs (and logged-on devices) read.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>Writes <paramref name="books"/> atomically.</summary>
    public static void Write(string path, EmulatedPoolBooks books, int capacity)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(books);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("capacity", capacity);
            writer.WriteNumber("lastSerialNumber", books.LastSerialNumber);
            writer.WriteStartArray("licenses");
            foreach (EmulatedPoolLicense license in books.Licenses)
            {
                writer.WriteStartObject();
                writer.WriteString("hwid", Convert.ToHexStringLower(license.HardwareId.ToArray()));
                writer.WriteBoolean("temporary", license.Temporary);
                writer.WriteString("notBefore", Date(license.NotBefore));
                writer.WriteString("notAfter", Date(license.NotAfter));
                writer.WriteNumber("serialNumber", license.SerialNumber);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("loggedOn");
            foreach (ClientHardwareId hardwareId in books.LoggedOn)
            {
                writer.WriteStringValue(Convert.ToHexStringLower(hardwareId.ToArray()));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        DurableFile.Write(path, buffer.WrittenSpan);
    }

    /// <summary>Reads the books; a missing file is empty books. False with a message naming what is wrong.</summary>
    public static bool TryRead(string path, [NotNullWhen(true)] out EmulatedPoolBooks? books, out string problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        books = null;
        problem = string.Empty;
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                books = new EmulatedPoolBooks([], [], 0);
                return true;
            }

            if (info.Length > MaxLength)
            {
                problem = $"{path}: {info.Length} bytes, more than the {MaxLength} a state file may have";
                return false;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"{path}: {exception.Message}";
            return false;
        }

        return TryParse(bytes, out books, out problem);
    }

    /// <summary>Parses the books from the file's bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out EmulatedPoolBooks? books, out string problem)
    {
        books = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            {
                problem = $"not a {Format} file (its \"format\" is missing or different)";
                return false;
            }

            ulong lastSerial = root.TryGetProperty("lastSerialNumber", out JsonElement serial) && serial.TryGetUInt64(out ulong s) ? s : 0;
            var licenses = new List<EmulatedPoolLicense>();
            if (root.TryGetProperty("licenses", out JsonElement list))
            {
                if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > MaxEntries)
                {
                    problem = $"\"licenses\" is not an array of at most {MaxEntries} entries";
                    return false;
                }

                int index = 0;
                foreach (JsonElement entry in list.EnumerateArray())
                {
                    if (!TryReadLicense(entry, out EmulatedPoolLicense? license, out string why))
                    {
                        problem = $"licenses[{index}]: {why}";
                        return false;
                    }

                    licenses.Add(license);
                    index++;
                }
            }

            var loggedOn = new List<ClientHardwareId>();
            if (root.TryGetProperty("loggedOn", out JsonElement devices))
            {
                if (devices.ValueKind != JsonValueKind.Array || devices.GetArrayLength() > MaxEntries)
                {
                    problem = $"\"loggedOn\" is not an array of at most {MaxEntries} entries";
                    return false;
                }

                int index = 0;
                foreach (JsonElement device in devices.EnumerateArray())
                {
                    if (!TryReadHardwareId(device, out ClientHardwareId hardwareId))
                    {
                        problem = $"loggedOn[{index}] is not a 20-byte HWID in hex";
                        return false;
                    }

                    loggedOn.Add(hardwareId);
                    index++;
                }
            }

            books = new EmulatedPoolBooks(licenses, loggedOn, lastSerial);
            problem = string.Empty;
            return true;
        }
        catch (JsonException exception)
        {
            problem = $"not JSON: {exception.Message}";
            return false;
        }
    }

    private static bool TryReadLicense(JsonElement entry, [NotNullWhen(true)] out EmulatedPoolLicense? license, out string problem)
    {
        license = null;
        problem = string.Empty;
        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("hwid", out JsonElement hwid) || !TryReadHardwareId(hwid, out ClientHardwareId hardwareId))
        {
            problem = "\"hwid\" is not a 20-byte HWID in hex";
            return false;
        }

        if (!entry.TryGetProperty("temporary", out JsonElement temporary) || temporary.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            problem = "\"temporary\" is not true or false";
            return false;
        }

        if (!TryReadDate(entry, "notBefore", out DateTimeOffset notBefore) || !TryReadDate(entry, "notAfter", out DateTimeOffset notAfter) || notAfter < notBefore)
        {
            problem = "\"notBefore\" and \"notAfter\" are not two ISO 8601 UTC dates in order";
            return false;
        }

        if (!entry.TryGetProperty("serialNumber", out JsonElement serial) || !serial.TryGetUInt64(out ulong serialNumber))
        {
            problem = "\"serialNumber\" is not an unsigned number";
            return false;
        }

        license = new EmulatedPoolLicense(hardwareId, temporary.GetBoolean(), notBefore, notAfter, serialNumber);
        return true;
    }

    private static bool TryReadHardwareId(JsonElement element, out ClientHardwareId hardwareId)
    {
        hardwareId = default;
        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: ClientHardwareId.Length * 2 } hex)
        {
            return false;
        }

        try
        {
            return ClientHardwareId.TryDecode(Convert.FromHexString(hex), out hardwareId, out _);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryReadDate(JsonElement entry, string name, out DateTimeOffset date)
    {
        date = default;
        return entry.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);
    }

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
