using System.Buffers.Binary;
using TsThinLic.Replay.Decryption;
using Xunit;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// Hostile input: notes a connection's records can repeat stop at <see cref="TlsDecryption.MaxRepeatedNotes"/> with a
/// count, so a capture of many tiny records does not become as many lines of text. The probe's TLS 1.2 connection
/// with a thousand fatal alerts in a wrong record version inserted after its ClientHello.
/// </summary>
public sealed class TlsNoteLimitTests
{
    [Fact]
    public void AThousandRepeatedProblemsGiveAtMostTheLimitOfNotesAndACount()
    {
        var bytes = new CaptureBytes(File.ReadAllBytes(KeyedCaptures.Path("probe-xrdp-tls12.pcapng")));
        byte[] client = bytes.Streams.Single(s => s.Key.FromClient).Value;
        byte[] server = bytes.Streams.Single(s => !s.Key.FromClient).Value;
        client = client[CaptureBytes.TlsStart(client)..];
        server = server[CaptureBytes.TlsStart(server)..];
        int helloEnd = 5 + BinaryPrimitives.ReadUInt16BigEndian(client.AsSpan(3));
        const int Alerts = 1000;
        byte[] alert = [21, 0x03, 0x01, 0x00, 0x02, 2, 40]; // alert, version 0x0301 (not 0x0303), fatal handshake_failure
        byte[] hostile = [.. client[..helloEnd], .. Enumerable.Range(0, Alerts).SelectMany(_ => alert), .. client[helloEnd..]];
        TlsKeyLog keyLog = TlsKeyLog.Parse(File.ReadAllBytes(KeyedCaptures.Path("probe-xrdp-tls12.keylog")), "test");

        TlsDecryption result = TlsConnectionDecryptor.Decrypt(hostile, server, keyLog, (fromClient, offset) => $"offset {offset}");

        Assert.InRange(result.Notes.Count, TlsDecryption.MaxRepeatedNotes, TlsDecryption.MaxRepeatedNotes + 8);
        Assert.Contains(result.Notes, n => n.Contains("more note(s) of the same kinds", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("fatal TLS alert 40", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("record version 0x0301", StringComparison.Ordinal));
        Assert.True(result.NotesLeftOut >= (2 * Alerts) - TlsDecryption.MaxRepeatedNotes, $"{result.NotesLeftOut} left out");
    }
}
