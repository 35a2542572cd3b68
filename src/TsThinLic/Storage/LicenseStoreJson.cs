using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>
/// The portable form of a store (<c>tsthinlic export</c> / <c>import</c>): the HWID, the fingerprint of the device
/// it was made on, and every CAL with its store key, time stored and bytes (pbLicenseInfo, Base64) — everything a
/// store keeps, so that moving a store through this file and back changes no byte of it. Reading is bounded and says
/// which field failed.
/// </summary>
public static class LicenseStoreJson
{
    /// <summary>The value of <c>format</c>.</summary>
    public const string FormatName = "tsthinlic-license-store";

    public const int FormatVersion = 1;

    /// <summary>Largest file read: 16 CALs of 64 KiB in Base64 with room to spare.</summary>
    public const int MaxLength = 4 << 20;

    public static byte[] Write(LicenseStoreContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("formatVersion", FormatVersion);
            if (contents.HardwareId is { } hardwareId)
            {
                json.WriteString("hwid", hardwareId.ToString());
            }
            else
            {
                json.WriteNull("hwid");
            }

            if (contents.Fingerprint is { } fingerprint)
            {
                json.WriteString("deviceFingerprint", fingerprint.ToString());
            }
            else
            {
                json.WriteNull("deviceFingerprint");
            }

            json.WriteStartArray("licenses");
            foreach (StoredLicense license in contents.Licenses)
            {
                json.WriteStartObject();
                json.WriteNumber("version", license.Key.Version);
                json.WriteString("scope", license.Key.Scope);
                json.WriteString("companyName", license.Key.CompanyName);
                json.WriteString("productId", license.Key.ProductId);
                json.WriteString("storedAt", license.StoredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                json.WriteBase64String("clientLicense", license.LicenseInfo.Span);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    /// <summary>Reads an export; false with the JSON path of the field that failed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out LicenseStoreContents contents, out string error)
    {
        contents = LicenseStoreContents.Empty;
        if (bytes.Length > MaxLength)
        {
            error = $"{bytes.Length} bytes, over the {MaxLength}-byte limit of an export";
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            return TryRead(document.RootElement, out contents, out error);
        }
        catch (JsonException exception)
        {
            error = $"not JSON: line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}: {exception.Message}";
            return false;
        }
        catch (InvalidOperationException exception)
        {
            // The parser checks structure, not the UTF-8 inside strings: that fails when a string is read.
            error = $"a string is not valid UTF-8: {exception.Message}";
            return false;
        }
    }

    private static bool TryRead(JsonElement root, out LicenseStoreContents contents, out string error)
    {
        contents = LicenseStoreContents.Empty;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "$: not an object";
            return false;
        }

        if (!root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
        {
            error = $"$.format: not \"{FormatName}\"";
            return false;
        }

        if (!root.TryGetProperty("formatVersion", out JsonElement version) || !version.TryGetInt32(out int v) || v != FormatVersion)
        {
            error = $"$.formatVersion: not {FormatVersion}";
            return false;
        }

        ClientHardwareId? hardwareId = null;
        if (root.TryGetProperty("hwid", out JsonElement hwid) && hwid.ValueKind != JsonValueKind.Null)
        {
            if (!TryHex(hwid, ClientHardwareId.Length, out byte[] raw) || !ClientHardwareId.TryDecode(raw, out ClientHardwareId decoded, out _))
            {
                error = $"$.hwid: not {ClientHardwareId.Length} bytes of hex";
                return false;
            }

            hardwareId = decoded;
        }

        DeviceFingerprint? fingerprint = null;
        if (root.TryGetProperty("deviceFingerprint", out JsonElement print) && print.ValueKind != JsonValueKind.Null)
        {
            if (!TryHex(print, DeviceFingerprint.Length, out byte[] raw))
            {
                error = $"$.deviceFingerprint: not {DeviceFingerprint.Length} bytes of hex";
                return false;
            }

            if (hardwareId is null)
            {
                error = "$.deviceFingerprint: given without a HWID";
                return false;
            }

            fingerprint = new DeviceFingerprint(raw);
        }

        if (!root.TryGetProperty("licenses", out JsonElement licenses) || licenses.ValueKind != JsonValueKind.Array)
        {
            error = "$.licenses: not an array";
            return false;
        }

        int count = licenses.GetArrayLength();
        if (count > LicenseStoreLimits.MaxLicenses)
        {
            error = $"$.licenses: {count} licenses, over the store's {LicenseStoreLimits.MaxLicenses}";
            return false;
        }

        var list = new List<StoredLicense>(count);
        int index = 0;
        foreach (JsonElement entry in licenses.EnumerateArray())
        {
            string at = $"$.licenses[{index++}]";
            if (!TryReadLicense(entry, at, out StoredLicense? license, out error))
            {
                return false;
            }

            if (list.Any(l => l.Key == license!.Key))
            {
                error = $"{at}: a second license for {license!.Key}";
                return false;
            }

            list.Add(license!);
        }

        contents = new LicenseStoreContents(hardwareId, fingerprint, list);
        error = string.Empty;
        return true;
    }

    private static bool TryReadLicense(JsonElement entry, string at, out StoredLicense? license, out string error)
    {
        license = null;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            error = $"{at}: not an object";
            return false;
        }

        if (!entry.TryGetProperty("version", out JsonElement version) || !version.TryGetUInt32(out uint dwVersion))
        {
            error = $"{at}.version: not a 32-bit unsigned number";
            return false;
        }

        string?[] strings = new string?[3];
        string[] names = ["scope", "companyName", "productId"];
        for (int i = 0; i < names.Length; i++)
        {
            if (!entry.TryGetProperty(names[i], out JsonElement value) || value.ValueKind != JsonValueKind.String
                || value.GetString() is not { } text || text.Length == 0 || text.Length > LicenseStoreLimits.MaxKeyStringBytes / 2)
            {
                error = $"{at}.{names[i]}: not a string of 1 to {LicenseStoreLimits.MaxKeyStringBytes / 2} characters";
                return false;
            }

            strings[i] = text;
        }

        if (!entry.TryGetProperty("storedAt", out JsonElement storedAt) || storedAt.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParseExact(storedAt.GetString(), "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset stored))
        {
            error = $"{at}.storedAt: not a UTC time (yyyy-MM-ddTHH:mm:ss.fffZ)";
            return false;
        }

        if (stored.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            // Stores keep whole milliseconds (the export writes .fff): a finer time would not survive import → export
            // (found by fuzzing).
            error = $"{at}.storedAt: finer than a millisecond (yyyy-MM-ddTHH:mm:ss.fffZ)";
            return false;
        }

        if (!entry.TryGetProperty("clientLicense", out JsonElement blob) || blob.ValueKind != JsonValueKind.String
            || blob.GetString() is not { } base64 || base64.Length > Base64.GetMaxEncodedToUtf8Length(StoredLicense.MaxLicenseInfoLength)
            || !blob.TryGetBytesFromBase64(out byte[]? info) || info.Length == 0 || info.Length > StoredLicense.MaxLicenseInfoLength)
        {
            error = $"{at}.clientLicense: not Base64 of 1 to {StoredLicense.MaxLicenseInfoLength} bytes";
            return false;
        }

        license = new StoredLicense(new LicenseKey(dwVersion, strings[0]!, strings[1]!, strings[2]!), info, stored);
        error = string.Empty;
        return true;
    }

    private static bool TryHex(JsonElement element, int length, out byte[] bytes)
    {
        bytes = [];
        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { } text || text.Length != 2 * length)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
