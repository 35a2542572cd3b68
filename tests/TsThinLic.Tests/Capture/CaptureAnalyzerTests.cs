using TsThinLic.Pdu;
using TsThinLic.Replay.Capture;
using Xunit;

namespace TsThinLic.Tests.Capture;

/// <summary>
/// <see cref="CaptureAnalyzer"/> on the real captures: the licensing PDUs found, and the same PDUs again when the
/// captures' TCP segments are split, retransmitted, overlapped or reordered.
/// </summary>
public sealed class CaptureAnalyzerTests
{
    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (string name in CaptureFixtures.Names())
        {
            data.Add(name);
        }

        return data;
    }

    private static List<(CaptureDirection Direction, string Hex)> Pdus(byte[] file)
    {
        CaptureAnalysis analysis = CaptureAnalyzer.Analyze(file);
        Assert.Null(analysis.Error);
        return analysis.Connections.SelectMany(c => c.Pdus).Select(p => (p.Direction, Convert.ToHexString(p.Bytes.Span))).ToList();
    }

    [Fact]
    public void XrdpWithoutEncryptionGivesRequestNewLicenseRequestAndValidClient()
    {
        CaptureAnalysis analysis = CaptureAnalyzer.Analyze(CaptureFixtures.Read("xrdp-rdp-none.pcapng"));
        CapturedConnection connection = Assert.Single(analysis.Connections);
        Assert.Equal(CapturedStreamKind.Rdp, connection.Kind);
        var types = connection.Pdus.Select(p => LicensingPduDecoder.TryDecode(p.Bytes.Span, out LicensingPdu? pdu, out _) ? pdu.MessageType : (LicensingMessageType)0).ToList();
        Assert.Equal([LicensingMessageType.LicenseRequest, LicensingMessageType.NewLicenseRequest, LicensingMessageType.ErrorAlert], types);
        Assert.Equal([CaptureDirection.ServerToClient, CaptureDirection.ClientToServer, CaptureDirection.ServerToClient], connection.Pdus.Select(p => p.Direction));
        Assert.All(connection.Pdus, p => Assert.False(p.IsEncrypted));
        Assert.True(connection.Pdus.Zip(connection.Pdus.Skip(1)).All(pair => pair.First.Timestamp <= pair.Second.Timestamp));
    }

    [Fact]
    public void FramesAndTimestampsAgreeWithTshark()
    {
        // tshark 4.0.17: `tshark -r xrdp-rdp-none.pcapng -T fields -e frame.number -e frame.time_epoch` gives
        // 33 1795838482.838133287, 35 1795838482.936608849, 36 1795838482.936769624 for the three licensing PDUs.
        CapturedConnection connection = Assert.Single(CaptureAnalyzer.Analyze(CaptureFixtures.Read("xrdp-rdp-none.pcapng")).Connections);
        Assert.Equal([33, 35, 36], connection.Pdus.Select(p => p.FrameIndex + 1));
        long[] expectedTicks = [17958384828381332, 17958384829366088, 17958384829367696];
        Assert.Equal(expectedTicks, connection.Pdus.Select(p => (p.Timestamp - DateTimeOffset.UnixEpoch).Ticks));
    }

    [Theory]
    [InlineData("xrdp-rdp-none.pcapng", 0u)]
    [InlineData("xrdp-rdp-fips.pcapng", 4u)]
    [InlineData("shadow-rdp.pcapng", null)]
    public void ServerSecurityDataIsFoundInTheConnectResponse(string name, uint? level)
    {
        CapturedConnection connection = Assert.Single(CaptureAnalyzer.Analyze(CaptureFixtures.Read(name)).Connections);
        GccServerSecurityData security = Assert.IsType<GccServerSecurityData>(connection.ServerSecurity);
        if (level is { } expected)
        {
            Assert.Equal(expected, security.EncryptionLevel);
        }

        if (!security.ServerCertificate.IsEmpty)
        {
            Assert.True(ServerCertificate.TryDecode(security.ServerCertificate.Span, out _, out DecodeError error), error.ToString());
        }
    }

    [Fact]
    public void TlsConnectionHidesTheServerSecurityData()
        => Assert.Null(Assert.Single(CaptureAnalyzer.Analyze(CaptureFixtures.Read("xrdp-tls.pcapng")).Connections).ServerSecurity);

    [Fact]
    public void XrdpFipsClientPduIsReportedEncrypted()
    {
        CapturedConnection connection = Assert.Single(CaptureAnalyzer.Analyze(CaptureFixtures.Read("xrdp-rdp-fips.pcapng")).Connections);
        CapturedLicensingPdu client = Assert.Single(connection.Pdus, p => p.Direction == CaptureDirection.ClientToServer);
        Assert.True(client.IsEncrypted);
        Assert.Contains(connection.Notes, n => n.Contains("SEC_ENCRYPT", StringComparison.Ordinal));
    }

    [Fact]
    public void TlsConnectionIsReportedAsTls()
    {
        CapturedConnection connection = Assert.Single(CaptureAnalyzer.Analyze(CaptureFixtures.Read("xrdp-tls.pcapng")).Connections);
        Assert.Equal(CapturedStreamKind.Tls, connection.Kind);
        Assert.Empty(connection.Pdus);
        Assert.Contains(connection.Notes, n => n.Contains("TLS", StringComparison.Ordinal));
    }

    [Fact]
    public void ClientHoldingACalSendsLicenseInfo()
    {
        CapturedConnection connection = Assert.Single(CaptureAnalyzer.Analyze(CaptureFixtures.Read("xrdp-rdp-none-cal.pcapng")).Connections);
        CapturedLicensingPdu client = Assert.Single(connection.Pdus, p => p.Direction == CaptureDirection.ClientToServer);
        Assert.True(LicensingPduDecoder.TryDecode(client.Bytes.Span, out LicensingPdu? pdu, out _));
        ClientLicenseInfo info = Assert.IsType<ClientLicenseInfo>(pdu);
        Assert.True(info.LicenseInfo.Data.Length > 1000);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void SegmentsSplitIntoSevenByteAndOneBytePiecesGiveTheSamePdus(string name)
    {
        byte[] original = CaptureFixtures.Read(name);
        var expected = Pdus(original);
        foreach (int size in new[] { 7, 1 })
        {
            var split = CaptureFixtures.Segments(original).SelectMany(s => Split(s.Segment, size).Select(part => (part, s.Timestamp)));
            Assert.Equal(expected, Pdus(CaptureFixtures.WritePcap(split)));
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void RetransmittedAndOverlappingSegmentsGiveTheSamePdus(string name)
    {
        byte[] original = CaptureFixtures.Read(name);
        var expected = Pdus(original);
        var rewritten = new List<(TcpSegment, DateTimeOffset)>();
        foreach (var (segment, timestamp) in CaptureFixtures.Segments(original))
        {
            rewritten.Add((segment, timestamp));
            if (segment.Payload.Length > 4)
            {
                // The whole segment again, then a tail that overlaps it: both must be dropped or trimmed.
                rewritten.Add((segment, timestamp));
                int half = segment.Payload.Length / 2;
                rewritten.Add((CaptureFixtures.With(segment, segment.SequenceNumber + (uint)half, segment.Payload[half..]), timestamp));
            }
        }

        Assert.Equal(expected, Pdus(CaptureFixtures.WritePcap(rewritten)));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void ReorderedSegmentsGiveTheSamePdus(string name)
    {
        byte[] original = CaptureFixtures.Read(name);
        var expected = Pdus(original);
        // Split into 5-byte pieces, then swap every pair of consecutive pieces of a direction: each later piece
        // arrives before the one it follows, so every gap must wait for its filler.
        var pieces = CaptureFixtures.Segments(original).SelectMany(s => Split(s.Segment, 5).Select(part => (part, s.Timestamp))).ToList();
        for (int i = 0; i + 1 < pieces.Count; i += 2)
        {
            if (pieces[i].part.SourcePort == pieces[i + 1].part.SourcePort && !pieces[i].part.IsSyn && !pieces[i + 1].part.IsSyn)
            {
                (pieces[i], pieces[i + 1]) = (pieces[i + 1], pieces[i]);
            }
        }

        Assert.Equal(expected, Pdus(CaptureFixtures.WritePcap(pieces)));
    }

    [Fact]
    public void BigEndianPcapReadsTheSame()
    {
        byte[] original = CaptureFixtures.Read("xrdp-rdp-none.pcapng");
        Assert.Equal(Pdus(original), Pdus(CaptureFixtures.WritePcap(CaptureFixtures.Segments(original), bigEndian: true)));
    }

    [Fact]
    public void CaptureStartingMidConnectionStillFindsThePdus()
    {
        byte[] original = CaptureFixtures.Read("xrdp-rdp-none.pcapng");
        // Without the handshake the client is found by its X.224 Connection Request.
        var withoutSyn = CaptureFixtures.Segments(original).Where(s => !s.Segment.IsSyn);
        Assert.Equal(Pdus(original), Pdus(CaptureFixtures.WritePcap(withoutSyn)));
    }

    [Fact]
    public void AMissingSegmentIsReportedAsAGap()
    {
        byte[] original = CaptureFixtures.Read("xrdp-rdp-none.pcapng");
        var segments = CaptureFixtures.Segments(original);
        int firstData = segments.FindIndex(s => s.Segment.Payload.Length > 0);
        segments.RemoveAt(firstData);
        CaptureAnalysis analysis = CaptureAnalyzer.Analyze(CaptureFixtures.WritePcap(segments));
        Assert.Contains(analysis.Connections.SelectMany(c => c.Notes), n => n.Contains("could not be placed", StringComparison.Ordinal));
    }

    private static IEnumerable<TcpSegment> Split(TcpSegment segment, int size)
    {
        if (segment.Payload.Length <= size)
        {
            yield return segment;
            yield break;
        }

        for (int offset = 0; offset < segment.Payload.Length; offset += size)
        {
            int length = Math.Min(size, segment.Payload.Length - offset);
            yield return CaptureFixtures.With(segment, segment.SequenceNumber + (uint)offset, segment.Payload.Slice(offset, length));
        }
    }
}
