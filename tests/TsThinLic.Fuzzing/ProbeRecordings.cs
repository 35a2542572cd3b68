using System.Text.Json;
using TsThinLic.Rdp;

namespace TsThinLic.Fuzzing;

/// <summary>
/// The probe's recordings against xrdp (fixtures/captures/probe/*.secrets.json): the server's packets of a whole
/// connection sequence and the randoms our client drew, so a target can replay them.
/// </summary>
internal static class ProbeRecordings
{
    /// <summary>One recording: its mode (tls, rdp-none, ...), whether it asked for TLS, the randoms, the server's TPKT packets.</summary>
    public sealed record Recording(string Mode, bool Tls, IReadOnlyList<byte[]> RandomBlocks, IReadOnlyList<byte[]> ServerPackets);

    public static IEnumerable<Recording> All(SeedSources sources)
    {
        foreach (string path in sources.Fixtures(Path.Combine("captures", "probe"), "*.secrets.json"))
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            string mode = Path.GetFileName(path).Replace("probe-xrdp-", string.Empty, StringComparison.Ordinal).Replace(".secrets.json", string.Empty, StringComparison.Ordinal);
            bool tls = Convert.ToUInt32(root.GetProperty("requestedProtocols").GetString(), 16) != 0;
            byte[][] randoms = [.. root.GetProperty("randomBlocks").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!))];
            byte[][] packets = [.. root.GetProperty("pdus").EnumerateArray()
                .Where(e => e.GetProperty("direction").GetString() == "server")
                .Select(e => Convert.FromHexString(e.GetProperty("hex").GetString()!))];
            yield return new Recording(mode, tls, randoms, packets);
        }
    }

    /// <summary>The SERVER_CERTIFICATE of each recording's GCC Server Security Data.</summary>
    public static IEnumerable<FuzzSeed> GccServerCertificates(SeedSources sources)
    {
        foreach (Recording recording in All(sources))
        {
            foreach (byte[] packet in recording.ServerPackets)
            {
                if (X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out _)
                    && McsConnectResponse.TryDecode(mcs, 0, out McsConnectResponse? response, out _)
                    && GccConferenceCreateResponse.TryDecode(response.UserData, 0, out GccConferenceCreateResponse? gcc, out _)
                    && !gcc.Security.CertificateBytes.IsEmpty)
                {
                    yield return new FuzzSeed($"gcc-{recording.Mode}-certificate", gcc.Security.CertificateBytes.ToArray());
                }
            }
        }
    }
}
