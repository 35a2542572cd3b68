using TsThinLic.Rdp.Tls;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// One direction of a captured TLS connection: its records in order, its handshake messages, its cipher state, and
/// the application data it recovers, up to the first record that does not authenticate.
/// </summary>
internal sealed class TlsDirectionDecryptor(bool fromClient, List<TlsRawRecord> records, TlsDecryption result, Func<bool, int, string> where)
{
    private const byte ChangeCipherSpec = (byte)TlsContentType.ChangeCipherSpec;
    private const byte Alert = (byte)TlsContentType.Alert;
    private const byte Handshake = (byte)TlsContentType.Handshake;
    private const byte ApplicationData = (byte)TlsContentType.ApplicationData;
    private const int MaxPlaintextLength = TlsConnectionDecryptor.MaxPlaintextLength;

    private readonly string _who = fromClient ? "client" : "server";
    private TlsRecordCipher? _cipher;
    private ulong _sequence;
    private bool _stopped;
    private int _skipped;

    public List<TlsRawRecord> Records => records;

    /// <summary>The client's record that completed its first ClientHello (it alone may carry a record version below 0x0303).</summary>
    public int InitialHelloRecord { get; set; } = -1;

    public TlsHandshakeAssembler Assembler { get; } = new();

    private List<(int End, byte[] Data)> Plaintext => fromClient ? result.ClientApplicationData : result.ServerApplicationData;

    /// <summary>[RFC 5246 6.2] Clear until ChangeCipherSpec, then every record under the pending cipher.</summary>
    public void RunTls12(TlsRecordCipher? pending)
    {
        bool changed = false;
        foreach (TlsRawRecord record in records)
        {
            CheckHeader(record);
            if (record.Type == ChangeCipherSpec)
            {
                Add(record, ChangeCipherSpec, false, record.Fragment.ToArray());
                if (changed && !_stopped)
                {
                    result.Notes.Add($"{_who}: a second ChangeCipherSpec (TLS record {record.Index}, {where(fromClient, record.Offset)}): renegotiation is not followed; later records are not decrypted");
                    Stop();
                }

                changed = true;
                _cipher = pending;
                _sequence = 0;
                if (pending is null && !_stopped)
                {
                    // No secret (already said once for the connection): nothing after this can be read.
                    Stop();
                }

                continue;
            }

            if (!changed)
            {
                Dispatch(record, record.Type, record.Fragment.ToArray(), encrypted: false, epoch: 0);
                continue;
            }

            if (_stopped || _cipher is null)
            {
                NotDecrypted(record);
                continue;
            }

            if (!_cipher.TryDecrypt(_sequence, record.Type, record.Version, record.Fragment.Span, out byte[] plaintext) || plaintext.Length > MaxPlaintextLength)
            {
                result.Notes.Add($"{_who}: TLS record {record.Index} ({where(fromClient, record.Offset)}) does not authenticate (bad_record_mac): it was altered, or the secret belongs to another connection; it and the records after it are not decrypted");
                NotDecrypted(record);
                Stop();
                continue;
            }

            _sequence++;
            result.RecordsDecrypted++;
            Dispatch(record, record.Type, plaintext, encrypted: true, epoch: 1);
        }
    }

    /// <summary>
    /// [RFC 8446 5] Handshake and alert records in clear until the first application_data record; then the
    /// handshake traffic secret to the direction's Finished, then the application traffic secret, a new
    /// generation after each KeyUpdate [RFC 8446 4.6.3].
    /// </summary>
    public void RunTls13(Tls13CipherSuite? suite, byte[]? handshakeSecret, byte[]? trafficSecret, string handshakeLabel, string trafficLabel)
    {
        int epoch = 0;
        bool succeeded = false;
        byte[]? secret = null;
        foreach (TlsRawRecord record in records)
        {
            CheckHeader(record);
            if (record.Type == ChangeCipherSpec)
            {
                // [RFC 8446 D.4] middlebox compatibility: a one-byte ChangeCipherSpec, never encrypted, ignored.
                Add(record, ChangeCipherSpec, false, record.Fragment.ToArray());
                continue;
            }

            if (record.Type != ApplicationData)
            {
                if (epoch != 0)
                {
                    if (result.RoomForRepeatedNote())
                    {
                        result.Notes.Add($"{_who}: TLS record {record.Index} ({where(fromClient, record.Offset)}) is a type-{record.Type} record in clear after encryption started; it is not used");
                    }

                    Add(record, record.Type, false, null);
                    continue;
                }

                Dispatch(record, record.Type, record.Fragment.ToArray(), encrypted: false, epoch: 0);
                continue;
            }

            if (epoch == 0)
            {
                epoch = 1;
                secret = handshakeSecret;
                _cipher = suite is not null && secret is not null ? Tls13KeySchedule.CreateCipher(suite, secret) : null;
                _sequence = 0;
            }

            if (_stopped || suite is null)
            {
                NotDecrypted(record);
                continue;
            }

            if (TryOpen(_cipher, _sequence, record, out byte type, out byte[] content, out string? problem))
            {
                succeeded = true;
                _sequence++;
            }
            else if (epoch == 1 && !succeeded && trafficSecret is not null && TryOpen(Tls13KeySchedule.CreateCipher(suite, trafficSecret), 0, record, out type, out content, out _))
            {
                // No (or a wrong) handshake secret, but this record opens under the application secret: the
                // handshake is over for this direction; go on from here.
                result.Notes.Add($"{_who}: the {_skipped} handshake record(s) before TLS record {record.Index} could not be decrypted ({(handshakeSecret is null ? $"no {handshakeLabel}" : "the handshake secret does not open them")}); application data is decrypted from here");
                epoch = 2;
                secret = trafficSecret;
                _cipher = Tls13KeySchedule.CreateCipher(suite, trafficSecret);
                _sequence = 1;
                succeeded = true;
                _skipped = 0;
            }
            else if (!succeeded)
            {
                // Nothing opened yet in this direction: early data, or a missing secret. Skip it and try the next.
                _skipped++;
                NotDecrypted(record);
                continue;
            }
            else
            {
                result.Notes.Add($"{_who}: TLS record {record.Index} ({where(fromClient, record.Offset)}) {problem}: it was altered, or the secret belongs to another connection; it and the records after it are not decrypted");
                NotDecrypted(record);
                Stop();
                continue;
            }

            result.RecordsDecrypted++;
            int before = Assembler.Messages.Count;
            Dispatch(record, type, content, encrypted: true, epoch);
            foreach (TlsHandshakeMessage message in Assembler.Messages.Skip(before))
            {
                if (message.Type == TlsHandshakeMessage.Finished && epoch == 1)
                {
                    // The direction's handshake ends with its Finished: application traffic secret 0 from the next record.
                    epoch = 2;
                    secret = trafficSecret;
                    _cipher = secret is not null ? Tls13KeySchedule.CreateCipher(suite, secret) : null;
                    _sequence = 0;
                    if (secret is null)
                    {
                        result.Notes.Add($"{_who}: no {trafficLabel}: the application data is not decrypted");
                        Stop();
                    }
                }
                else if (message.Type == TlsHandshakeMessage.KeyUpdate && epoch == 2 && secret is not null)
                {
                    // [RFC 8446 7.2] the sender's next generation, from the record after the KeyUpdate.
                    secret = Tls13KeySchedule.NextTrafficSecret(suite, secret);
                    _cipher = Tls13KeySchedule.CreateCipher(suite, secret);
                    _sequence = 0;
                }
            }
        }
    }

    // [RFC 5246 E.1], [RFC 8446 5.1]: every record carries 0x0303 except those of the client's first ClientHello,
    // which may carry 0x0300 to 0x0303; [RFC 5246 7.1], [RFC 8446 5]: a ChangeCipherSpec is the single byte 1. The
    // record header is not authenticated in TLS 1.2's clear part: these checks are what catch a change there.
    private void CheckHeader(TlsRawRecord record)
    {
        bool initialHello = fromClient && record.Index <= InitialHelloRecord;
        if (record.Version != 0x0303 && !(initialHello && record.Version is >= 0x0300 and <= 0x0303) && result.RoomForRepeatedNote())
        {
            result.Notes.Add($"{_who}: TLS record {record.Index} ({where(fromClient, record.Offset)}) carries record version 0x{record.Version:x4}, not 0x0303");
        }

        if (record.Type == ChangeCipherSpec && !(record.Fragment.Length == 1 && record.Fragment.Span[0] == 1) && result.RoomForRepeatedNote())
        {
            result.Notes.Add($"{_who}: TLS record {record.Index} ({where(fromClient, record.Offset)}) is a ChangeCipherSpec that is not the single byte 1");
        }
    }

    public void Finish()
    {
        if (_skipped > 0)
        {
            result.Notes.Add($"{_who}: {_skipped} encrypted TLS record(s) could not be decrypted with any secret the key log gave for this connection");
        }

        if (Assembler.Problem is { } problem)
        {
            result.Notes.Add($"{_who}: {problem}");
        }
        else if (Assembler.HasPartialMessage && !_stopped)
        {
            result.Notes.Add($"{_who}: the handshake messages end inside a message: a record was cut or altered");
        }
    }

    // [RFC 8446 5.2, 5.4] Opens a record and unpacks TLSInnerPlaintext: the content, the real type, then zeros.
    private static bool TryOpen(TlsRecordCipher? cipher, ulong sequence, TlsRawRecord record, out byte type, out byte[] content, out string? problem)
    {
        type = 0;
        content = [];
        if (cipher is null)
        {
            problem = "cannot be decrypted (no secret)";
            return false;
        }

        if (!cipher.TryDecrypt(sequence, record.Type, record.Version, record.Fragment.Span, out byte[] inner))
        {
            problem = "does not authenticate (bad_record_mac)";
            return false;
        }

        int last = inner.AsSpan().LastIndexOfAnyExcept((byte)0);
        if (last < 0)
        {
            problem = "decrypts to padding only, with no content type (unexpected_message)";
            return false;
        }

        if (last > MaxPlaintextLength)
        {
            problem = "decrypts to more than 2^14 bytes (record_overflow)";
            return false;
        }

        type = inner[last];
        content = inner[..last];
        problem = null;
        return true;
    }

    private void Dispatch(TlsRawRecord record, byte type, byte[] content, bool encrypted, int epoch)
    {
        Add(record, type, encrypted, content);
        switch (type)
        {
            case Handshake:
                Assembler.Append(content, encrypted, epoch, record.Index);
                if (Assembler.Problem is not null)
                {
                    Stop();
                }

                break;
            case Alert:
                if ((content.Length == 0 || content.Length % 2 != 0) && result.RoomForRepeatedNote())
                {
                    // [RFC 5246 7.2] an alert is two bytes, level and description.
                    result.Notes.Add($"{_who}: TLS record {record.Index} ({where(fromClient, record.Offset)}) is an alert record of {content.Length} bytes, not whole alerts");
                }

                for (int i = 0; i + 1 < content.Length; i += 2)
                {
                    // close_notify (warning 0) ends a connection normally; anything else is worth a note.
                    if ((content[i] != 1 || content[i + 1] != 0) && result.RoomForRepeatedNote())
                    {
                        result.Notes.Add($"{_who} sent a {(content[i] == 2 ? "fatal" : "warning")} TLS alert {content[i + 1]} ({(TlsAlertDescription)content[i + 1]}) in record {record.Index} ({where(fromClient, record.Offset)})");
                    }
                }

                break;
            case ApplicationData:
                if (!encrypted)
                {
                    if (result.RoomForRepeatedNote())
                    {
                        result.Notes.Add($"{_who}: TLS record {record.Index} ({where(fromClient, record.Offset)}) carries application data in clear, before encryption started; it is not used");
                    }
                }
                else if (!_stopped)
                {
                    Plaintext.Add((record.End, content));
                }

                break;
        }
    }

    private void NotDecrypted(TlsRawRecord record)
    {
        result.RecordsNotDecrypted++;
        Add(record, record.Type, true, null);
    }

    private void Add(TlsRawRecord record, byte type, bool encrypted, byte[]? plaintext)
        => result.Records.Add(new TlsCapturedRecord(fromClient, record.Index, record.Offset, record.End - record.Offset, record.Type, type, encrypted, plaintext));

    private void Stop() => _stopped = true;
}
