using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Connection;

/// <summary>
/// The probe-secrets format ("tsthinlic-probe-secrets/1"), written and read here only: what a transcript needs to
/// replay a probe byte for byte (<c>--record-secrets</c>): every random block the client drew (connection client
/// random, licensing client random, premaster secret), the HWID, user and machine, and the RDP PDUs as hex (inside
/// TLS when TLS was used). Replay reads it beside a capture of our own client. This file holds key material: it is
/// for test fixtures against test servers, never for a production device.
/// </summary>
public static class ProbeSecrets
{
    /// <summary>The format version written as "format".</summary>
    public const string Format = "tsthinlic-probe-secrets/1";

    /// <summary>A secrets file is small; anything larger is not one.</summary>
    public const int MaxLength = 1 << 20;

    public static void Write(ProbeResult result, string userName, string machineName, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(destination);
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteString("server", $"{result.Host}:{result.Port}");
        json.WriteString("requestedProtocols", $"0x{(uint)result.RequestedProtocols:x8}");
        if (result.SelectedProtocol is { } selected)
        {
            json.WriteString("selectedProtocol", $"0x{(uint)selected:x8}");
        }

        json.WriteString("user", userName);
        json.WriteString("machine", machineName);
        if (result.HardwareId is { } hwid)
        {
            Span<byte> bytes = stackalloc byte[ClientHardwareId.Length];
            hwid.TryEncode(bytes, out _);
            json.WriteString("hwid", Convert.ToHexStringLower(bytes));
        }

        json.WriteString("clientRandom", Convert.ToHexStringLower(result.ClientRandom.Span));

        // The licensing client draws its client random (32) and then the premaster secret (48) after the
        // Security Exchange client random, when there is one (a new HWID's bytes are not recorded here).
        int licensingStart = result.ClientRandom.IsEmpty ? 0 : 1;
        if (result.RandomBlocks.Count >= licensingStart + 2)
        {
            json.WriteString("licensingClientRandom", Convert.ToHexStringLower(result.RandomBlocks[licensingStart]));
            json.WriteString("preMasterSecret", Convert.ToHexStringLower(result.RandomBlocks[licensingStart + 1]));
        }

        json.WriteStartArray("randomBlocks");
        foreach (byte[] block in result.RandomBlocks)
        {
            json.WriteStringValue(Convert.ToHexStringLower(block));
        }

        json.WriteEndArray();
        json.WriteStartArray("pdus");
        foreach ((bool fromClient, byte[] packet) in result.Transcript)
        {
            json.WriteStartObject();
            json.WriteString("direction", fromClient ? "client" : "server");
            json.WriteString("hex", Convert.ToHexStringLower(packet));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// The licensing secrets a server recorded for one connection (`serve --record-secrets`): user, machine, the client's
    /// licensing client random and the premaster secret it decrypted, and no HWID, so a replay of the capture compares
    /// another client's PDUs with ours field by field, with the keys that make the server's MACs verify.
    /// </summary>
    public static void WriteLicensing(Stream destination, string server, string? userName, string? machineName, ReadOnlySpan<byte> licensingClientRandom, ReadOnlySpan<byte> preMasterSecret)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(server);
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteString("server", server);
        if (userName is not null)
        {
            json.WriteString("user", userName);
        }

        if (machineName is not null)
        {
            json.WriteString("machine", machineName);
        }

        json.WriteString("licensingClientRandom", Convert.ToHexStringLower(licensingClientRandom));
        json.WriteString("preMasterSecret", Convert.ToHexStringLower(preMasterSecret));
        json.WriteEndObject();
    }

    /// <summary>
    /// Reads what replay needs from a secrets file's bytes: HWID (20 bytes, or absent in a server's recording), user and
    /// machine, the licensing client random and premaster secret. False, with the problem, on anything else.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out RecordedProbeSecrets? secrets, out string? problem)
    {
        secrets = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format) || format.GetString() != Format)
            {
                problem = $"not {Format}";
                return false;
            }

            byte[] hwid = Hex(root, "hwid");
            ClientHardwareId? hardwareId = null;
            if (root.TryGetProperty("hwid", out _))
            {
                if (!ClientHardwareId.TryDecode(hwid, out ClientHardwareId decoded, out _) || hwid.Length != ClientHardwareId.Length)
                {
                    problem = "hwid is not 20 bytes";
                    return false;
                }

                hardwareId = decoded;
            }

            string? userName = root.TryGetProperty("user", out JsonElement user) ? user.GetString() : null;
            string? machineName = root.TryGetProperty("machine", out JsonElement machine) ? machine.GetString() : null;
            if (userName?.Contains('\0', StringComparison.Ordinal) == true || machineName?.Contains('\0', StringComparison.Ordinal) == true)
            {
                // [MS-RDPELE 2.2.2.2]: a licensing name ends at its NUL; one with a NUL inside was never sent.
                problem = "user or machine holds a NUL character, which a licensing name cannot carry";
                return false;
            }

            secrets = new RecordedProbeSecrets(
                hardwareId,
                userName,
                machineName,
                Hex(root, "licensingClientRandom"),
                Hex(root, "preMasterSecret"));
            problem = null;
            return true;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            problem = exception.Message;
            return false;
        }
    }

    private static byte[] Hex(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement value) && value.GetString() is { Length: > 0 } text ? Convert.FromHexString(text) : [];
}
