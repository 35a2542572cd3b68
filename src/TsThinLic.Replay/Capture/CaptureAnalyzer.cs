using System.Buffers.Binary;
using TsThinLic.Pdu;
using TsThinLic.Rdp;

namespace TsThinLic.Replay.Capture;

/// <summary>
/// Finds the RDP licensing PDUs in a pcap or pcapng file: reads the records, reassembles every TCP connection in
/// both directions, recognises RDP by its TPKT framing on any port, unwraps X.224 Data → MCS Send Data → the basic
/// security header, and keeps the PDUs with SEC_LICENSE_PKT ([MS-RDPBCGR 2.2.1.12]) from the start of the connection
/// up to the server's last licensing PDU. A connection that switches to TLS, a stream that is not RDP, bytes missing
/// from the capture and encrypted licensing PDUs are all reported, never skipped silently. Never throws on file data.
/// </summary>
public static class CaptureAnalyzer
{
    /// <summary>The most TCP connections followed in one file.</summary>
    public const int MaxConnections = 4096;

    // Flags a licensing PDU's security header may carry ([MS-RDPBCGR 2.2.8.1.1.2.1]): SEC_LICENSE_PKT with
    // SEC_ENCRYPT, SEC_LICENSE_ENCRYPT_CS/SC, SEC_FLAGSHI_VALID, SEC_SECURE_CHECKSUM, SEC_RESET_SEQNO, SEC_IGNORE_SEQNO.
    // Requiring every other bit clear keeps a share control header (totalLength 0x0180, ...) from passing for one.
    private const ushort LicensingFlagsMask = SecurityHeader.SecLicensePkt | SecurityHeader.SecEncrypt | SecurityHeader.SecLicenseEncryptCs | 0x8000 | 0x0800 | 0x0010 | 0x0020;

    /// <summary>Analyzes a whole capture file held in memory.</summary>
    public static CaptureAnalysis Analyze(ReadOnlyMemory<byte> file)
    {
        bool read = CaptureFileReader.TryRead(file, out IReadOnlyList<CapturedFrame> frames, out CaptureError error);
        var connections = new Dictionary<(string, string), Connection>();
        var order = new List<Connection>();
        CaptureError? limit = null;
        foreach (CapturedFrame frame in frames)
        {
            if (!TcpSegment.TryDecode(frame.LinkType, frame.Data, out TcpSegment? segment))
            {
                continue;
            }

            string source = $"{segment.Source}:{segment.SourcePort}";
            string destination = $"{segment.Destination}:{segment.DestinationPort}";
            var key = string.CompareOrdinal(source, destination) < 0 ? (source, destination) : (destination, source);
            if (!connections.TryGetValue(key, out Connection? connection))
            {
                if (connections.Count >= MaxConnections)
                {
                    limit ??= new CaptureError(CaptureErrorKind.LimitExceeded, "TCP connection", frame.FileOffset, $"more than {MaxConnections} connections");
                    continue;
                }

                connection = new Connection(key.Item1, key.Item2);
                connections.Add(key, connection);
                order.Add(connection);
            }

            connection.Add(source, segment, frame);
        }

        var result = new List<CapturedConnection>();
        foreach (Connection connection in order)
        {
            if (connection.HasData)
            {
                result.Add(connection.Analyze());
            }
        }

        return new CaptureAnalysis(frames.Count, result, read ? limit : error);
    }

    private sealed class Connection(string a, string b)
    {
        private readonly TcpStreamReassembler _fromA = new();
        private readonly TcpStreamReassembler _fromB = new();
        private string? _synFrom;

        public bool HasData => _fromA.Bytes.Length + _fromB.Bytes.Length > 0 || _fromA.HasGap || _fromB.HasGap;

        public void Add(string source, TcpSegment segment, CapturedFrame frame)
        {
            if (segment.IsSyn && (segment.Flags & TcpSegment.Ack) == 0)
            {
                _synFrom ??= source;
            }

            (source == a ? _fromA : _fromB).Add(segment, frame.Index, frame.Timestamp);
        }

        public CapturedConnection Analyze()
        {
            _fromA.Finish();
            _fromB.Finish();
            var notes = new List<string>();
            var scanA = Scan(_fromA.Bytes);
            var scanB = Scan(_fromB.Bytes);

            // The client is who opened the connection (SYN), else who sent the X.224 Connection Request, else who
            // sent MCS Send Data Requests.
            bool aIsClient;
            if (_synFrom is not null)
            {
                aIsClient = _synFrom == a;
            }
            else if (scanA.SentConnectionRequest != scanB.SentConnectionRequest)
            {
                aIsClient = scanA.SentConnectionRequest;
                notes.Add("the capture starts after the TCP handshake: the client is the side that sent the X.224 Connection Request");
            }
            else
            {
                aIsClient = scanA.SendDataRequests >= scanB.SendDataRequests;
                notes.Add("the capture starts mid-connection: the client is taken to be the side that sends MCS Send Data Requests");
            }

            var (client, server) = aIsClient ? (a, b) : (b, a);
            var (clientScan, serverScan) = aIsClient ? (scanA, scanB) : (scanB, scanA);
            var (clientStream, serverStream) = aIsClient ? (_fromA, _fromB) : (_fromB, _fromA);
            Note(notes, "client", clientScan, clientStream);
            Note(notes, "server", serverScan, serverStream);

            CapturedStreamKind kind = clientScan.Tls || serverScan.Tls
                ? CapturedStreamKind.Tls
                : clientScan.TpktCount + serverScan.TpktCount == 0 ? CapturedStreamKind.NotRdp : CapturedStreamKind.Rdp;

            var pdus = new List<CapturedLicensingPdu>();
            foreach (var (offset, end, data) in clientScan.Licensing)
            {
                var (frameIndex, timestamp) = clientStream.FrameAt(end - 1);
                pdus.Add(new CapturedLicensingPdu(CaptureDirection.ClientToServer, frameIndex, timestamp, data, offset));
            }

            foreach (var (offset, end, data) in serverScan.Licensing)
            {
                var (frameIndex, timestamp) = serverStream.FrameAt(end - 1);
                pdus.Add(new CapturedLicensingPdu(CaptureDirection.ServerToClient, frameIndex, timestamp, data, offset));
            }

            pdus.Sort((x, y) => x.FrameIndex != y.FrameIndex ? x.FrameIndex.CompareTo(y.FrameIndex) : x.StreamOffset.CompareTo(y.StreamOffset));
            pdus = EndOfLicensing(pdus, notes);
            if (kind == CapturedStreamKind.Tls)
            {
                notes.Add("the connection switched to TLS (Enhanced RDP Security): its licensing PDUs are encrypted by TLS and cannot be inspected in a capture");
            }
            else if (kind == CapturedStreamKind.Rdp && pdus.Count == 0)
            {
                notes.Add("RDP without any licensing PDU: the connection ended (or the capture stopped) before licensing");
            }

            int encrypted = pdus.Count(p => p.IsEncrypted);
            if (encrypted > 0)
            {
                notes.Add($"{encrypted} licensing PDU(s) carry SEC_ENCRYPT (Standard RDP Security with encryption): their contents are ciphertext under the connection's keys, which a capture does not hold");
            }

            return new CapturedConnection(client, server, kind, pdus, notes, serverScan.ServerSecurity);
        }

        private static void Note(List<string> notes, string side, ScanResult scan, TcpStreamReassembler stream)
        {
            if (stream.Retransmissions > 0)
            {
                notes.Add($"{side}: {stream.Retransmissions} retransmitted segment(s) dropped");
            }

            if (stream.OutOfWindowSegments > 0)
            {
                notes.Add($"{side}: {stream.OutOfWindowSegments} segment(s) with a sequence number more than {TcpStreamReassembler.MaxStreamLength} bytes from the stream's (2^31 away, or another connection's) were dropped");
            }

            if (stream.BytesDropped > 0)
            {
                notes.Add($"{side}: {stream.BytesDropped} byte(s) could not be placed (a gap in the capture or a limit); the stream stops at the gap");
            }

            if (scan.Problem is not null)
            {
                notes.Add($"{side}: {scan.Problem}");
            }
        }

        // Licensing ends with the server's STATUS_VALID_CLIENT, NEW_LICENSE, UPGRADE_LICENSE or an ST_TOTAL_ABORT alert
        // ([MS-RDPBCGR 1.3.1.1]); later PDUs are connection traffic that may happen to look like a security header.
        private static List<CapturedLicensingPdu> EndOfLicensing(List<CapturedLicensingPdu> pdus, List<string> notes)
        {
            for (int i = 0; i < pdus.Count; i++)
            {
                CapturedLicensingPdu pdu = pdus[i];
                if (pdu.Direction != CaptureDirection.ServerToClient || pdu.IsEncrypted
                    || !LicensingPduDecoder.TryDecode(pdu.Bytes.Span, out LicensingPdu? decoded, out _))
                {
                    continue;
                }

                bool final = decoded switch
                {
                    ServerNewLicense => true,
                    LicenseErrorAlert alert => alert.IsValidClient || alert.StateTransition == LicensingStateTransition.TotalAbort,
                    _ => false,
                };
                if (final)
                {
                    // A client's own alert right after (an abort in answer) still belongs to the exchange.
                    int keep = i + 1;
                    if (keep < pdus.Count && pdus[keep].Direction == CaptureDirection.ClientToServer
                        && LicensingPduDecoder.TryDecode(pdus[keep].Bytes.Span, out LicensingPdu? next, out _) && next is LicenseErrorAlert)
                    {
                        keep++;
                    }

                    if (keep < pdus.Count)
                    {
                        notes.Add($"{pdus.Count - keep} PDU(s) with SEC_LICENSE_PKT after the server ended licensing were ignored");
                    }

                    return pdus[..keep];
                }
            }

            return pdus;
        }
    }

    private sealed class ScanResult
    {
        public List<(int Offset, int End, ReadOnlyMemory<byte> Data)> Licensing { get; } = [];

        public bool SentConnectionRequest { get; set; }

        public int SendDataRequests { get; set; }

        public int TpktCount { get; set; }

        public bool Tls { get; set; }

        public GccServerSecurityData? ServerSecurity { get; set; }

        public string? Problem { get; set; }
    }

    // Walks one direction's reassembled bytes PDU by PDU: slow-path (TPKT), fast-path, or the start of TLS.
    private static ScanResult Scan(ReadOnlySpan<byte> stream)
    {
        var result = new ScanResult();
        int offset = 0;
        while (offset < stream.Length)
        {
            ReadOnlySpan<byte> rest = stream[offset..];
            byte first = rest[0];
            if (first == Tpkt.Version)
            {
                DecodeStatus status = Tpkt.TryReadFrame(rest, out int packetLength, out _);
                if (status == DecodeStatus.Invalid)
                {
                    result.Problem = $"a TPKT header with an impossible length at stream offset {offset}; the rest of the stream is not read";
                    return result;
                }

                if (status == DecodeStatus.NeedMoreData)
                {
                    result.Problem = $"the stream ends inside a TPKT at offset {offset} ({rest.Length} of {(packetLength > 0 ? packetLength : Tpkt.HeaderLength)} bytes)";
                    return result;
                }

                result.TpktCount++;
                ReadOnlyMemory<byte> tpdu = stream.Slice(offset + Tpkt.HeaderLength, packetLength - Tpkt.HeaderLength).ToArray();
                Inspect(tpdu, offset, offset + packetLength, result);
                offset += packetLength;
                continue;
            }

            if ((first is 0x14 or 0x15 or 0x16 or 0x17) && rest.Length > 1 && rest[1] == 0x03)
            {
                // A TLS record (handshake, alert, application data): the connection moved to Enhanced RDP Security.
                result.Tls = true;
                return result;
            }

            if ((first & 0x03) == 0 && result.TpktCount > 0)
            {
                // [MS-RDPBCGR 2.2.9.1.2] fast-path: length1 (and length2 when its top bit is set) count the whole PDU.
                if (rest.Length < 2)
                {
                    result.Problem = $"the stream ends inside a fast-path header at offset {offset}";
                    return result;
                }

                int length = rest[1];
                if ((length & 0x80) != 0)
                {
                    if (rest.Length < 3)
                    {
                        result.Problem = $"the stream ends inside a fast-path header at offset {offset}";
                        return result;
                    }

                    length = ((length & 0x7f) << 8) | rest[2];
                }

                if (length < 2)
                {
                    result.Problem = $"a fast-path PDU with length {length} at stream offset {offset}; the rest of the stream is not read";
                    return result;
                }

                offset += Math.Min(length, rest.Length);
                continue;
            }

            result.Problem = result.TpktCount == 0
                ? $"not RDP: byte 0x{first:x2} at stream offset {offset} starts neither a TPKT nor TLS"
                : $"byte 0x{first:x2} at stream offset {offset} starts neither a TPKT, a fast-path PDU nor TLS; the rest of the stream is not read";
            return result;
        }

        return result;
    }

    private static void Inspect(ReadOnlyMemory<byte> tpdu, int offset, int end, ScanResult result)
    {
        if (!X224Tpdu.TryRead(tpdu.Span, out X224Tpdu x224))
        {
            return;
        }

        if (x224.Code == X224Tpdu.ConnectionRequest)
        {
            result.SentConnectionRequest = true;
            return;
        }

        if (!X224Data.TryReadHeader(tpdu.Span, 0, out _))
        {
            return;
        }

        ReadOnlyMemory<byte> mcsPdu = tpdu[X224Data.HeaderLength..];
        if (GccServerSecurityData.IsConnectResponse(mcsPdu.Span))
        {
            if (result.ServerSecurity is null && GccServerSecurityData.TryFind(mcsPdu, out GccServerSecurityData? security))
            {
                result.ServerSecurity = security;
            }

            return;
        }

        if (!McsDomainPdu.TryDecode(mcsPdu, 0, out McsDomainPdu? mcs, out _) || mcs.Type is not (McsDomainPduType.SendDataRequest or McsDomainPduType.SendDataIndication))
        {
            return;
        }

        if (mcs.Type == McsDomainPduType.SendDataRequest)
        {
            result.SendDataRequests++;
        }

        ReadOnlySpan<byte> user = mcs.Data.Span;
        if (user.Length < SecurityHeader.Length + LicensePreamble.Length)
        {
            return;
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(user);
        if ((flags & SecurityHeader.SecLicensePkt) != 0 && (flags & ~LicensingFlagsMask) == 0)
        {
            result.Licensing.Add((offset, end, mcs.Data));
        }
    }
}
