using System.Buffers.Binary;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Replay.Decryption;

namespace TsThinLic.Replay.Capture;

/// <summary>
/// Finds the RDP licensing PDUs in a pcap or pcapng file: reads the records, reassembles every TCP connection in
/// both directions, recognises RDP by its TPKT framing on any port, unwraps X.224 Data → MCS Send Data → the basic
/// security header, and keeps the PDUs with SEC_LICENSE_PKT ([MS-RDPBCGR 2.2.1.12]) from the start of the connection
/// up to the server's last licensing PDU. With keys it first decrypts what it can: a TLS connection with the key
/// log's secrets (the file's own Decryption Secrets Blocks included), its plaintext then read as RDP (CredSSP
/// messages skipped), and Standard RDP Security with the server's private key, every encrypted PDU of both directions
/// opened and its MAC checked. A connection that switches to TLS without secrets, a stream that is not RDP, bytes
/// missing from the capture, records or PDUs that fail authentication and encrypted licensing PDUs left encrypted
/// are all reported, never skipped silently. Never throws on file data.
/// </summary>
public static class CaptureAnalyzer
{
    /// <summary>The most TCP connections followed in one file.</summary>
    public const int MaxConnections = 4096;

    /// <summary>The most decryption problems told per connection direction (the rest are counted).</summary>
    public const int MaxProblemNotes = 10;

    // Flags a licensing PDU's security header may carry ([MS-RDPBCGR 2.2.8.1.1.2.1]): SEC_LICENSE_PKT with
    // SEC_ENCRYPT, SEC_LICENSE_ENCRYPT_CS/SC, SEC_FLAGSHI_VALID, SEC_SECURE_CHECKSUM, SEC_RESET_SEQNO, SEC_IGNORE_SEQNO.
    // Requiring every other bit clear keeps a share control header (totalLength 0x0180, ...) from passing for one.
    private const ushort LicensingFlagsMask = SecurityHeader.SecLicensePkt | SecurityHeader.SecEncrypt | SecurityHeader.SecLicenseEncryptCs | 0x8000 | 0x0800 | 0x0010 | 0x0020;

    // [MS-RDPBCGR 2.2.1.10] SEC_EXCHANGE_PKT: the Security Exchange PDU carrying the encrypted client random.
    private const ushort SecExchangePkt = 0x0001;

    /// <summary>Analyzes a whole capture file held in memory, decrypting nothing but what its own secrets open.</summary>
    public static CaptureAnalysis Analyze(ReadOnlyMemory<byte> file) => Analyze(file, DecryptionKeys.None);

    /// <summary>Analyzes a whole capture file held in memory, decrypting with <paramref name="keys"/> and the file's own secrets.</summary>
    public static CaptureAnalysis Analyze(ReadOnlyMemory<byte> file, DecryptionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        bool read = CaptureFileReader.TryRead(file, out IReadOnlyList<CapturedFrame> frames, out IReadOnlyList<CapturedSecrets> secrets, out CaptureError error);
        var secretNotes = new List<string>();
        var logs = new List<TlsKeyLog>();
        foreach (CapturedSecrets block in secrets)
        {
            string name = $"the Decryption Secrets Block at file offset {block.FileOffset}";
            if (block.SecretsType != CapturedSecrets.TlsKeyLog)
            {
                secretNotes.Add($"{name} holds secrets of type 0x{block.SecretsType:x8}, not a TLS key log; ignored");
                continue;
            }

            if (!block.PaddingIsZero)
            {
                secretNotes.Add($"{name}: its padding is not zero (pcapng 3.1): the block was altered");
            }

            TlsKeyLog log = TlsKeyLog.Parse(block.Data.Span, name);
            secretNotes.AddRange(log.Problems);
            logs.Add(log);
        }

        keys = keys.With(TlsKeyLog.Combine(logs));
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
                result.Add(connection.Analyze(keys));
            }
        }

        return new CaptureAnalysis(frames.Count, result, read ? limit : error, secrets.Count, secretNotes);
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

        public CapturedConnection Analyze(DecryptionKeys keys)
        {
            _fromA.Finish();
            _fromB.Finish();
            var notes = new List<string>();
            FramedStream streamA = _fromA.ToFramedStream();
            FramedStream streamB = _fromB.ToFramedStream();
            ScanResult scanA = Scan(streamA.Bytes, null, plaintext: false);
            ScanResult scanB = Scan(streamB.Bytes, null, plaintext: false);

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
            var (clientStream, serverStream) = aIsClient ? (streamA, streamB) : (streamB, streamA);
            var (clientReassembler, serverReassembler) = aIsClient ? (_fromA, _fromB) : (_fromB, _fromA);
            Note(notes, "client", clientReassembler);
            Note(notes, "server", serverReassembler);

            CapturedStreamKind kind = clientScan.Tls || serverScan.Tls
                ? CapturedStreamKind.Tls
                : clientScan.TpktCount + serverScan.TpktCount == 0 ? CapturedStreamKind.NotRdp : CapturedStreamKind.Rdp;

            string? decryption = null;
            string? pduDecryption = null;
            bool tlsDecrypted = false;
            IReadOnlyList<TlsCapturedRecord> tlsRecords = [];
            StandardSecurityDecryption? standard = null;
            if (kind == CapturedStreamKind.Tls && keys.KeyLog.Count > 0)
            {
                int clientTls = clientScan.TlsOffset ?? clientStream.Bytes.Length;
                int serverTls = serverScan.TlsOffset ?? serverStream.Bytes.Length;
                FramedStream clientCipher = clientStream;
                FramedStream serverCipher = serverStream;
                TlsDecryption tls = TlsConnectionDecryptor.Decrypt(
                    clientStream.Bytes[clientTls..],
                    serverStream.Bytes[serverTls..],
                    keys.KeyLog,
                    (fromClient, offset) => fromClient ? clientCipher.Where(clientTls + offset) : serverCipher.Where(serverTls + offset));
                notes.AddRange(tls.Notes);
                tlsRecords = [.. tls.Records.Select(r => r with { FrameIndex = (r.FromClient ? clientCipher : serverCipher).FrameAt((r.FromClient ? clientTls : serverTls) + r.End - 1).FrameIndex })];
                decryption = $"TLS: {tls.Summary}";
                if (tls.HasApplicationData)
                {
                    // The RDP stream inside TLS, behind the X.224 exchange that preceded it, read like a clear one.
                    tlsDecrypted = true;
                    pduDecryption = $"inside {tls.Version}";
                    clientStream = clientStream.WithPlaintext(clientTls, clientTls, tls.ClientApplicationData);
                    serverStream = serverStream.WithPlaintext(serverTls, serverTls, tls.ServerApplicationData);
                    clientScan = Scan(clientStream.Bytes, null, plaintext: true);
                    serverScan = Scan(serverStream.Bytes, null, plaintext: true);
                }
            }
            else if (kind == CapturedStreamKind.Rdp && serverScan.ServerSecurity is { EncryptionMethod: not 0 } security && clientScan.EncryptedClientRandom is { } encryptedRandom && keys.ServerKeys.Count > 0)
            {
                standard = StandardSecurityDecryption.TryCreate(security.EncryptionMethod, security.EncryptionLevel, security.ServerRandom.Span, security.ServerCertificate.Span, encryptedRandom, keys.ServerKeys, out string note);
                if (standard is null)
                {
                    notes.Add(note);
                }
                else
                {
                    clientScan = Scan(clientStream.Bytes, standard.ClientToServer, plaintext: false);
                    serverScan = Scan(serverStream.Bytes, standard.ServerToClient, plaintext: false);
                    int verified = standard.ClientToServer.Verified + standard.ServerToClient.Verified;
                    int failed = standard.ClientToServer.Failed + standard.ServerToClient.Failed;
                    decryption = $"Standard RDP Security: {standard.Description}; {verified} PDU(s) decrypted with a verified MAC{(failed > 0 ? $", {failed} with a MAC that does not verify" : string.Empty)}";
                }
            }

            foreach ((string side, ScanResult scan, FramedStream stream) in (ReadOnlySpan<(string, ScanResult, FramedStream)>)[("client", clientScan, clientStream), ("server", serverScan, serverStream)])
            {
                if (scan.Problem is not null)
                {
                    notes.Add($"{side}: {scan.Problem}");
                }

                foreach ((int offset, string problem) in scan.DecryptionProblems.Take(MaxProblemNotes))
                {
                    notes.Add($"{side}: the PDU at {stream.Where(offset)} {problem}");
                }

                if (scan.DecryptionProblems.Count > MaxProblemNotes)
                {
                    notes.Add($"{side}: {scan.DecryptionProblems.Count - MaxProblemNotes} more PDU(s) with decryption problems");
                }

                if (scan.CredSspMessages > 0)
                {
                    notes.Add($"{side}: {scan.CredSspMessages} CredSSP message(s) (NLA) skipped before the MCS connection");
                }
            }

            var pdus = new List<CapturedLicensingPdu>();
            foreach ((CaptureDirection direction, ScanResult scan, FramedStream stream) in (ReadOnlySpan<(CaptureDirection, ScanResult, FramedStream)>)[(CaptureDirection.ClientToServer, clientScan, clientStream), (CaptureDirection.ServerToClient, serverScan, serverStream)])
            {
                foreach (LicensingCandidate candidate in scan.Licensing)
                {
                    var (frameIndex, timestamp) = stream.FrameAt(candidate.End - 1);
                    string? text = candidate.Decrypted
                        ? candidate.DecryptionFailed ? $"decrypted with {standard!.Description}, but its MAC does not verify" : $"decrypted ({standard!.Description}), MAC verified"
                        : pduDecryption;
                    pdus.Add(new CapturedLicensingPdu(direction, frameIndex, timestamp, candidate.Data, candidate.Offset)
                    {
                        Decryption = text,
                        DecryptionFailed = candidate.DecryptionFailed,
                    });
                }
            }

            pdus.Sort((x, y) => x.FrameIndex != y.FrameIndex ? x.FrameIndex.CompareTo(y.FrameIndex) : x.StreamOffset.CompareTo(y.StreamOffset));
            pdus = EndOfLicensing(pdus, notes);
            if (kind == CapturedStreamKind.Tls && !tlsDecrypted)
            {
                notes.Add(keys.KeyLog.Count == 0
                    ? "the connection switched to TLS (Enhanced RDP Security): its licensing PDUs are encrypted by TLS and cannot be inspected without the TLS secrets (--keylog FILE, SSLKEYLOGFILE, or a pcapng Decryption Secrets Block)"
                    : "the connection switched to TLS (Enhanced RDP Security) and its application data could not be decrypted: its licensing PDUs cannot be inspected");
            }
            else if (kind == CapturedStreamKind.Tls && !clientScan.SawMcsData && !serverScan.SawMcsData)
            {
                notes.Add("TLS decrypted, but what it carries is not RDP");
            }
            else if (kind == CapturedStreamKind.Tls && pdus.Count == 0)
            {
                notes.Add("TLS decrypted, but the RDP connection inside carries no licensing PDU (it ended, or the capture stopped, before licensing)");
            }
            else if (kind == CapturedStreamKind.Rdp && pdus.Count == 0)
            {
                notes.Add("RDP without any licensing PDU: the connection ended (or the capture stopped) before licensing");
            }

            int encrypted = pdus.Count(p => p.IsEncrypted);
            if (encrypted > 0)
            {
                notes.Add($"{encrypted} licensing PDU(s) carry SEC_ENCRYPT (Standard RDP Security with encryption): their contents are ciphertext under the connection's keys; the server's private key (--server-key) decrypts them");
            }

            return new CapturedConnection(client, server, kind, pdus, notes, serverScan.ServerSecurity)
            {
                Decryption = decryption,
                IsDecrypted = tlsDecrypted || standard is not null,
                TlsRecords = tlsRecords,
            };
        }

        private static void Note(List<string> notes, string side, TcpStreamReassembler stream)
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

    private readonly record struct LicensingCandidate(int Offset, int End, ReadOnlyMemory<byte> Data, bool Decrypted, bool DecryptionFailed);

    private sealed class ScanResult
    {
        public List<LicensingCandidate> Licensing { get; } = [];

        public bool SentConnectionRequest { get; set; }

        public int SendDataRequests { get; set; }

        public int TpktCount { get; set; }

        public bool Tls { get; set; }

        /// <summary>Where the first TLS record starts.</summary>
        public int? TlsOffset { get; set; }

        public GccServerSecurityData? ServerSecurity { get; set; }

        /// <summary>encryptedClientRandom of the client's Security Exchange PDU.</summary>
        public byte[]? EncryptedClientRandom { get; set; }

        public bool SawMcsData { get; set; }

        public int CredSspMessages { get; set; }

        public List<(int Offset, string Problem)> DecryptionProblems { get; } = [];

        public string? Problem { get; set; }
    }

    // Walks one direction's bytes PDU by PDU: slow-path (TPKT), fast-path, or the start of TLS. With a decryptor,
    // every encrypted PDU is opened in stream order. In a TLS plaintext stream, CredSSP messages (NLA) may come
    // before the MCS connection: they are skipped.
    private static ScanResult Scan(ReadOnlySpan<byte> stream, StandardSecurityDirection? decryptor, bool plaintext)
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
                Inspect(tpdu, offset, offset + packetLength, result, decryptor);
                offset += packetLength;
                continue;
            }

            if (!plaintext && (first is 0x14 or 0x15 or 0x16 or 0x17) && rest.Length > 1 && rest[1] == 0x03)
            {
                // A TLS record (handshake, alert, application data): the connection moved to Enhanced RDP Security.
                result.Tls = true;
                result.TlsOffset = offset;
                return result;
            }

            if (plaintext && !result.SawMcsData && result.TpktCount > 0 && TrySkipCredSsp(rest, result, out int skipped))
            {
                offset += skipped;
                continue;
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
                int headerLength = 2;
                if ((length & 0x80) != 0)
                {
                    if (rest.Length < 3)
                    {
                        result.Problem = $"the stream ends inside a fast-path header at offset {offset}";
                        return result;
                    }

                    length = ((length & 0x7f) << 8) | rest[2];
                    headerLength = 3;
                }

                if (length < headerLength)
                {
                    result.Problem = $"a fast-path PDU with length {length} at stream offset {offset}; the rest of the stream is not read";
                    return result;
                }

                if (length > rest.Length)
                {
                    result.Problem = $"the stream ends inside a fast-path PDU at offset {offset} ({rest.Length} of {length} bytes)";
                    return result;
                }

                if (decryptor?.OpenFastPath(rest[..length], headerLength) is { } problem)
                {
                    result.DecryptionProblems.Add((offset, problem));
                }

                offset += length;
                continue;
            }

            result.Problem = result.TpktCount == 0
                ? $"not RDP: byte 0x{first:x2} at stream offset {offset} starts neither a TPKT nor TLS"
                : $"byte 0x{first:x2} at stream offset {offset} starts neither a TPKT, a fast-path PDU nor TLS; the rest of the stream is not read";
            return result;
        }

        return result;
    }

    // [MS-CSSP 2.2.1] TSRequest is one DER SEQUENCE; [MS-RDPBCGR 2.2.10.2] after it, with HYBRID_EX, the server's
    // Early User Authorization Result is a 4-byte code. Both come between the TLS handshake and the MCS Connect PDUs.
    private static bool TrySkipCredSsp(ReadOnlySpan<byte> rest, ScanResult result, out int skipped)
    {
        skipped = 0;
        if (rest[0] == 0x30 && rest.Length >= 2)
        {
            int lengthOctets = rest[1] < 0x80 ? 0 : rest[1] & 0x7f;
            if (lengthOctets > 3 || rest.Length < 2 + lengthOctets)
            {
                return false;
            }

            int length = lengthOctets == 0 ? rest[1] : 0;
            for (int i = 0; i < lengthOctets; i++)
            {
                length = (length << 8) | rest[2 + i];
            }

            if (length > rest.Length - 2 - lengthOctets)
            {
                return false;
            }

            skipped = 2 + lengthOctets + length;
            result.CredSspMessages++;
            return true;
        }

        if (result.CredSspMessages > 0 && rest.Length >= 4 && rest[0] != Tpkt.Version)
        {
            skipped = 4;
            return true;
        }

        return false;
    }

    private static void Inspect(ReadOnlyMemory<byte> tpdu, int offset, int end, ScanResult result, StandardSecurityDirection? decryptor)
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

        result.SawMcsData = true;
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

        ReadOnlyMemory<byte> userData = mcs.Data;
        if (userData.Length >= 8 && (BinaryPrimitives.ReadUInt16LittleEndian(userData.Span) & SecExchangePkt) != 0 && result.EncryptedClientRandom is null)
        {
            // [MS-RDPBCGR 2.2.1.10.1] TS_SECURITY_PACKET: basic header, length, encryptedClientRandom.
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(userData.Span[4..]);
            if (length <= userData.Length - 8)
            {
                result.EncryptedClientRandom = userData.Span.Slice(8, (int)length).ToArray();
            }

            return;
        }

        bool decrypted = false;
        string? problem = null;
        if (decryptor is not null)
        {
            userData = decryptor.OpenSlowPath(userData, out decrypted, out problem);
            if (problem is not null)
            {
                result.DecryptionProblems.Add((offset, problem));
            }
        }

        ReadOnlySpan<byte> user = userData.Span;
        if (user.Length < SecurityHeader.Length + LicensePreamble.Length)
        {
            return;
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(user);
        if ((flags & SecurityHeader.SecLicensePkt) != 0 && (flags & ~LicensingFlagsMask) == 0)
        {
            result.Licensing.Add(new LicensingCandidate(offset, end, userData, decrypted, decrypted && problem is not null));
        }
    }
}
