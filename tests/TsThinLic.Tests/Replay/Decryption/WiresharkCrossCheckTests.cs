using TsThinLic.Replay.Capture;
using TsThinLic.Replay.Decryption;
using Xunit;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// The TLS decryption checked against an implementation we did not write: for every keyed TLS capture, the plaintext
/// of every record we decrypt equals what <c>tshark -o tls.keylog_file:… -x</c> shows as "Decrypted TLS" in the same
/// frame, and tshark decrypts no record we do not. TLS 1.3 from FreeRDP, TLS 1.2 from our probe (so tshark also reads
/// the key log our probe wrote), and twelve OpenSSL suites with key updates.
/// </summary>
public sealed class WiresharkCrossCheckTests
{
    [Theory]
    [InlineData("freerdp-xrdp-tls13.pcapng", "freerdp-xrdp-tls13.keylog")]
    [InlineData("probe-xrdp-tls12.pcapng", "probe-xrdp-tls12.keylog")]
    [InlineData("openssl-tls-suites.pcapng", "openssl-tls-suites.keylog")]
    public void EveryRecordsPlaintextEqualsWhatTsharkDecrypts(string capture, string keyLog)
    {
        if (!Tshark.Available())
        {
            return;
        }

        Dictionary<int, List<byte[]>> theirs = Tshark.DecryptedRecords(KeyedCaptures.Path(capture), KeyedCaptures.Path(keyLog));
        CaptureAnalysis analysis = CaptureAnalyzer.Analyze(File.ReadAllBytes(KeyedCaptures.Path(capture)), KeyedCaptures.Keys([keyLog]));
        var ours = new Dictionary<int, List<byte[]>>();
        foreach (TlsCapturedRecord record in analysis.Connections.SelectMany(c => c.TlsRecords).Where(r => r.Encrypted))
        {
            Assert.True(record.Plaintext is not null, $"record {record.Index} of the {(record.FromClient ? "client" : "server")} (frame {record.FrameIndex + 1}) was not decrypted");
            (ours.TryGetValue(record.FrameIndex + 1, out List<byte[]>? list) ? list : ours[record.FrameIndex + 1] = []).Add(record.Plaintext);
        }

        Assert.NotEmpty(ours);
        Assert.Equal(theirs.Keys.Order(), ours.Keys.Order());
        foreach ((int frame, List<byte[]> records) in ours)
        {
            Assert.True(
                records.Select(Convert.ToHexStringLower).SequenceEqual(theirs[frame].Select(Convert.ToHexStringLower)),
                $"frame {frame}: ours {string.Join(" | ", records.Select(Convert.ToHexStringLower))}; tshark {string.Join(" | ", theirs[frame].Select(Convert.ToHexStringLower))}");
        }
    }
}
