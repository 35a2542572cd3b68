using System.Buffers;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 6.2, 7.1, 7.2] The record layer of one TLS 1.2 endpoint, the part a client and a server share: records
/// framed from bytes in any pieces (an oversize length refused from the header alone), decrypted once
/// ChangeCipherSpec switched the read side, handshake messages reassembled across records, alerts and application
/// data; records written with the write side's protection. The handshake itself is the owner's
/// (<see cref="ITlsHandshake"/>); the first failure is kept, with the fatal alert RFC 5246 7.2 asks for queued.
/// </summary>
internal sealed class TlsRecordLayer
{
    /// <summary>[RFC 5246 6.2.1] TLSPlaintext.length MUST NOT exceed 2^14.</summary>
    public const int MaxPlaintextLength = 1 << 14;

    /// <summary>[RFC 5246 6.2.3] TLSCiphertext.length MUST NOT exceed 2^14 + 2048.</summary>
    public const int MaxCiphertextLength = MaxPlaintextLength + 2048;

    /// <summary>Largest handshake message accepted: a certificate chain of ten certificates fits several times over.</summary>
    public const int MaxHandshakeMessageLength = 64 * 1024;

    /// <summary>type (1) + version (2) + length (2).</summary>
    public const int RecordHeaderLength = 1 /* type */ + 2 /* version */ + 2 /* length */;

    /// <summary>msg_type (1) + length (3).</summary>
    public const int HandshakeHeaderLength = 1 /* msg_type */ + 3 /* length */;

    private readonly ITlsHandshake _handshake;
    private readonly string _peer;
    private readonly byte[] _record = new byte[RecordHeaderLength + MaxCiphertextLength];
    private readonly TlsWriter _handshakeInput = new(1024);
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private readonly ArrayBufferWriter<byte> _applicationData = new(1024);
    private int _recordBuffered;
    private TlsRecordCipher? _readCipher;
    private TlsRecordCipher? _pendingReadCipher;
    private TlsRecordCipher? _writeCipher;
    private TlsRecordCipher? _pendingWriteCipher;
    private ulong _readSequence;
    private ulong _writeSequence;

    /// <param name="handshake">The owner: gets each handshake message and ChangeCipherSpec, says what it waits for.</param>
    /// <param name="peer">"server" or "client": the other side, as failure messages name it.</param>
    public TlsRecordLayer(ITlsHandshake handshake, string peer)
    {
        _handshake = handshake;
        _peer = peer;
    }

    /// <summary>Why the session failed or ended, when it did.</summary>
    public string? Failure { get; private set; }

    /// <summary>A fatal alert was sent or received, or the input was not TLS.</summary>
    public bool IsFailed { get; private set; }

    /// <summary>The peer sent close_notify after the handshake: nothing more is read.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>close_notify was sent.</summary>
    public bool CloseSent { get; private set; }

    /// <summary>Whether records are still processed (neither failed nor closed).</summary>
    public bool IsOpen => !IsFailed && !IsClosed;

    /// <summary>Bytes of a handshake message received but not yet whole.</summary>
    public int PendingHandshakeBytes => _handshakeInput.Length;

    /// <summary>
    /// Takes bytes from the peer in any pieces; processes every whole record. Whatever the primitives throw on hostile
    /// input becomes a failure (internal_error), never an exception.
    /// </summary>
    public void Offer(ReadOnlySpan<byte> received)
    {
        try
        {
            while (!received.IsEmpty && IsOpen)
            {
                received = received[BufferRecord(received)..];
            }
        }
        catch (Exception exception)
        {
            Fail(TlsAlertDescription.InternalError, $"TLS record processing failed ({exception.GetType().Name}: {exception.Message})");
        }
    }

    /// <summary>Bytes to send to the peer (records, alerts).</summary>
    public byte[] TakeOutput()
    {
        byte[] output = _output.WrittenSpan.ToArray();
        _output.ResetWrittenCount();
        return output;
    }

    /// <summary>Decrypted application data received so far.</summary>
    public byte[] TakeApplicationData()
    {
        byte[] data = _applicationData.WrittenSpan.ToArray();
        _applicationData.ResetWrittenCount();
        return data;
    }

    /// <summary>The protections the next ChangeCipherSpec in each direction switches on.</summary>
    public void SetPendingCiphers(TlsRecordCipher read, TlsRecordCipher write)
    {
        _pendingReadCipher = read;
        _pendingWriteCipher = write;
    }

    /// <summary>[RFC 5246 7.1] Sends ChangeCipherSpec; every record written after it is protected with the pending keys.</summary>
    public void SendChangeCipherSpec(int version)
    {
        WriteRecord(TlsContentType.ChangeCipherSpec, [1], version);
        _writeSequence = 0;
        _writeCipher = _pendingWriteCipher;
    }

    /// <summary>[RFC 5246 6.2.1] Records of at most 2^14 plaintext bytes, protected once ChangeCipherSpec was sent.</summary>
    public void WriteRecord(TlsContentType type, ReadOnlySpan<byte> data, int version)
    {
        do
        {
            ReadOnlySpan<byte> chunk = data[..Math.Min(data.Length, MaxPlaintextLength)];
            data = data[chunk.Length..];
            ReadOnlySpan<byte> fragment = _writeCipher is null ? chunk : _writeCipher.Encrypt(_writeSequence++, type, chunk);
            Span<byte> header = _output.GetSpan(RecordHeaderLength);
            header[0] = (byte)type;
            header[1] = (byte)(version >> 8);
            header[2] = (byte)version;
            header[3] = (byte)(fragment.Length >> 8);
            header[4] = (byte)fragment.Length;
            _output.Advance(RecordHeaderLength);
            _output.Write(fragment);
        }
        while (!data.IsEmpty);
    }

    /// <summary>
    /// Protects application data into the output (nothing for none). False, with the session failed by internal_error,
    /// when protection throws: the seam through which nothing from the primitives escapes either side.
    /// </summary>
    public bool TryWriteApplicationData(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return true;
        }

        try
        {
            WriteRecord(TlsContentType.ApplicationData, data, TlsClientSession.Tls12Version);
            return true;
        }
        catch (Exception exception)
        {
            Fail(TlsAlertDescription.InternalError, $"TLS could not protect application data ({exception.GetType().Name}: {exception.Message})");
            return false;
        }
    }

    /// <summary>Sends close_notify [RFC 5246 7.2.1]; when even that cannot be protected the session ends with the reason.</summary>
    public void SendCloseNotify()
    {
        try
        {
            SendAlert(TlsAlert.Warning, TlsAlertDescription.CloseNotify);
        }
        catch (Exception exception)
        {
            NoteEnd($"TLS close failed: {exception.Message}");
        }
    }

    /// <summary>Queues an alert record.</summary>
    public void SendAlert(byte level, TlsAlertDescription description)
    {
        WriteRecord(TlsContentType.Alert, [level, (byte)description], _handshake.RecordVersion);
        if (description == TlsAlertDescription.CloseNotify)
        {
            CloseSent = true;
        }
    }

    /// <summary>Fails the session and queues the fatal alert; the first failure is the one reported.</summary>
    public void Fail(TlsAlertDescription alert, string message)
    {
        if (IsFailed)
        {
            return;
        }

        Failure = $"{message} (sent the fatal alert {TlsAlert.Name((byte)alert)})";
        try
        {
            SendAlert(TlsAlert.Fatal, alert);
        }
        catch (Exception)
        {
            // The alert is a courtesy: the failure is recorded whether or not it could be protected.
        }

        IsFailed = true;
    }

    /// <summary>Records a failure that sends nothing back (a fatal alert received, a close before the handshake ended).</summary>
    public void FailSilently(string message)
    {
        if (!IsFailed)
        {
            Failure = message;
            IsFailed = true;
        }
    }

    /// <summary>Records why the session ended without failing it (close_notify, a close sent).</summary>
    public void NoteEnd(string message) => Failure ??= message;

    /// <summary>Ends the session after the peer's close_notify: data after the closure is ignored.</summary>
    public void MarkClosed() => IsClosed = true;

    /// <summary>Copies what the current record still needs from <paramref name="received"/>; processes it when whole. Returns the bytes taken.</summary>
    private int BufferRecord(ReadOnlySpan<byte> received)
    {
        int wanted = _recordBuffered < RecordHeaderLength
            ? RecordHeaderLength - _recordBuffered
            : RecordHeaderLength + RecordLength() - _recordBuffered;
        int taken = Math.Min(wanted, received.Length);
        received[..taken].CopyTo(_record.AsSpan(_recordBuffered));
        _recordBuffered += taken;

        if (_recordBuffered == RecordHeaderLength && !CheckRecordHeader())
        {
            return taken;
        }

        if (_recordBuffered >= RecordHeaderLength && _recordBuffered == RecordHeaderLength + RecordLength())
        {
            _recordBuffered = 0;
            ProcessRecord(_record[0], (_record[1] << 8) | _record[2], _record.AsSpan(RecordHeaderLength, RecordLength()));
        }

        return taken;
    }

    private int RecordLength() => (_record[3] << 8) | _record[4];

    /// <summary>The header alone decides whether to wait for the body: an oversize length is refused at once.</summary>
    private bool CheckRecordHeader()
    {
        byte type = _record[0];
        int version = (_record[1] << 8) | _record[2];
        if (type is < (byte)TlsContentType.ChangeCipherSpec or > (byte)TlsContentType.ApplicationData)
        {
            string what = _handshake.NothingReceived
                ? $"the {_peer}'s {_handshake.FirstMessageNoun} is not TLS (record content type {type}, version 0x{version:X4})"
                : $"a record has the unknown content type {type}";
            Fail(TlsAlertDescription.UnexpectedMessage, what);
            return false;
        }

        // RFC 5246 E.1: any {03, xx} is a TLS record version; the handshake itself checks the negotiated version.
        if (version >> 8 != 3)
        {
            Fail(TlsAlertDescription.ProtocolVersion, $"a record carries the version 0x{version:X4}, not TLS");
            return false;
        }

        int limit = _readCipher is null ? MaxPlaintextLength : MaxCiphertextLength;
        if (RecordLength() > limit)
        {
            Fail(TlsAlertDescription.RecordOverflow, $"a record declares {RecordLength()} bytes, more than the {limit} allowed");
            return false;
        }

        return true;
    }

    private void ProcessRecord(byte type, int version, ReadOnlySpan<byte> fragment)
    {
        ReadOnlySpan<byte> plaintext = fragment;
        if (_readCipher is not null)
        {
            if (!_readCipher.TryDecrypt(_readSequence, type, version, fragment, out byte[] decrypted))
            {
                Fail(TlsAlertDescription.BadRecordMac, $"a record from the {_peer} does not authenticate (record {_readSequence} after ChangeCipherSpec)");
                return;
            }

            _readSequence++;
            if (decrypted.Length > MaxPlaintextLength)
            {
                Fail(TlsAlertDescription.RecordOverflow, $"a record decrypts to {decrypted.Length} bytes, more than 2^14");
                return;
            }

            plaintext = decrypted;
        }

        switch ((TlsContentType)type)
        {
            case TlsContentType.Handshake:
                // RFC 5246 6.2.1: no zero-length fragments of handshake, alert or change_cipher_spec.
                if (plaintext.IsEmpty)
                {
                    Fail(TlsAlertDescription.UnexpectedMessage, $"the {_peer} sent an empty handshake record");
                    return;
                }

                ReceiveHandshakeBytes(plaintext);
                break;
            case TlsContentType.ChangeCipherSpec:
                ReceiveChangeCipherSpec(plaintext);
                break;
            case TlsContentType.Alert:
                ReceiveAlerts(plaintext);
                break;
            default:
                ReceiveApplicationData(plaintext);
                break;
        }
    }

    private void ReceiveApplicationData(ReadOnlySpan<byte> data)
    {
        if (!_handshake.IsComplete)
        {
            Fail(TlsAlertDescription.UnexpectedMessage, $"the {_peer} sent application data before the handshake completed");
            return;
        }

        _applicationData.Write(data);
    }

    /// <summary>[RFC 5246 7.1] ChangeCipherSpec: the peer's records are protected from the next one on.</summary>
    private void ReceiveChangeCipherSpec(ReadOnlySpan<byte> data)
    {
        if (!_handshake.ExpectsChangeCipherSpec)
        {
            Fail(TlsAlertDescription.UnexpectedMessage, $"the {_peer} sent ChangeCipherSpec while the {_handshake.Self} {_handshake.Waiting}");
            return;
        }

        if (data.Length != 1 || data[0] != 1)
        {
            Fail(TlsAlertDescription.DecodeError, "ChangeCipherSpec is not the single byte change_cipher_spec (1)");
            return;
        }

        // A handshake message may not straddle the cipher change.
        if (_handshakeInput.Length != 0)
        {
            Fail(TlsAlertDescription.UnexpectedMessage, "ChangeCipherSpec arrived in the middle of a handshake message");
            return;
        }

        _readCipher = _pendingReadCipher;
        _readSequence = 0;
        _handshake.OnChangeCipherSpec();
    }

    /// <summary>[RFC 5246 7.2] Alerts: close_notify ends the session, fatal alerts fail it, other warnings are ignored.</summary>
    private void ReceiveAlerts(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data.Length % 2 != 0)
        {
            Fail(TlsAlertDescription.DecodeError, $"an alert record of {data.Length} bytes is not whole alerts (level, description)");
            return;
        }

        for (int i = 0; i < data.Length && IsOpen; i += 2)
        {
            byte level = data[i];
            byte description = data[i + 1];
            if (description == (byte)TlsAlertDescription.CloseNotify)
            {
                ReceiveCloseNotify();
            }
            else if (level == TlsAlert.Fatal)
            {
                // RFC 5246 7.2.2: on a fatal alert both sides close at once; nothing is sent back.
                FailSilently($"the {_peer} sent the fatal alert {TlsAlert.Name(description)}{Phase()}");
            }
            else if (level != TlsAlert.Warning)
            {
                Fail(TlsAlertDescription.IllegalParameter, $"an alert has the level {level}, neither warning (1) nor fatal (2)");
            }

            // Other warnings (user_canceled, no_renegotiation, unrecognized_name…) change nothing here.
        }
    }

    private void ReceiveCloseNotify()
    {
        if (!_handshake.IsComplete)
        {
            FailSilently($"the {_peer} closed the connection with close_notify{Phase()}");
            return;
        }

        // RFC 5246 7.2.1: answer with a close_notify of our own; data after the closure is ignored.
        Failure = $"the {_peer} closed the TLS connection (close_notify)";
        if (!CloseSent)
        {
            SendAlert(TlsAlert.Warning, TlsAlertDescription.CloseNotify);
        }

        IsClosed = true;
    }

    /// <summary>[RFC 5246 7.4] Handshake messages may be split across records and several may share one.</summary>
    private void ReceiveHandshakeBytes(ReadOnlySpan<byte> data)
    {
        _handshakeInput.Write(data);
        int consumed = 0;
        while (IsOpen)
        {
            ReadOnlySpan<byte> pending = _handshakeInput.WrittenSpan[consumed..];
            if (pending.Length < HandshakeHeaderLength)
            {
                break;
            }

            byte type = pending[0];
            int length = (pending[1] << 16) | (pending[2] << 8) | pending[3];
            if (length > MaxHandshakeMessageLength)
            {
                Fail(TlsAlertDescription.DecodeError, $"the {_peer}'s {TlsHandshakeMessages.Name(type)} declares {length} bytes, more than the {MaxHandshakeMessageLength} accepted");
                return;
            }

            if (pending.Length < HandshakeHeaderLength + length)
            {
                break;
            }

            byte[] message = pending[..(HandshakeHeaderLength + length)].ToArray();
            consumed += message.Length;
            _handshake.OnHandshakeMessage(type, message);
        }

        if (IsOpen)
        {
            _handshakeInput.RemovePrefix(consumed);
        }
    }

    private string Phase() => _handshake.IsComplete ? string.Empty : $" (the {_handshake.Self} {_handshake.Waiting})";
}
