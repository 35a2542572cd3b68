namespace TsThinLic.Replay.Decryption;

/// <summary>
/// [RFC 5246 7.4], [RFC 8446 4] Puts one direction's handshake messages back together from record contents: a
/// message may span records and a record may hold several. Bounded: a message declaring more than
/// <see cref="MaxMessageLength"/> stops the assembly.
/// </summary>
internal sealed class TlsHandshakeAssembler
{
    /// <summary>Larger than any real handshake message (a long certificate chain is tens of kilobytes).</summary>
    public const int MaxMessageLength = 1 << 20;

    private const int HeaderLength = 1 /* msg_type */ + 3 /* length */;

    private readonly List<byte> _pending = [];

    /// <summary>The messages completed so far, in order.</summary>
    public List<TlsHandshakeMessage> Messages { get; } = [];

    /// <summary>Why assembly stopped, if it did.</summary>
    public string? Problem { get; private set; }

    /// <summary>Bytes of an incomplete message waiting for the next record.</summary>
    public bool HasPartialMessage => _pending.Count > 0;

    /// <summary>Adds a record's content; returns how many messages it completed.</summary>
    public int Append(ReadOnlySpan<byte> content, bool encrypted, int epoch, int recordIndex)
    {
        if (Problem is not null)
        {
            return 0;
        }

        _pending.AddRange(content);
        int completed = 0;
        while (_pending.Count >= HeaderLength)
        {
            int length = (_pending[1] << 16) | (_pending[2] << 8) | _pending[3];
            if (length > MaxMessageLength)
            {
                Problem = $"a handshake message (type {_pending[0]}) declares {length} bytes, more than the {MaxMessageLength} read";
                _pending.Clear();
                return completed;
            }

            if (_pending.Count < HeaderLength + length)
            {
                break;
            }

            byte[] message = [.. _pending.GetRange(0, HeaderLength + length)];
            _pending.RemoveRange(0, HeaderLength + length);
            Messages.Add(new TlsHandshakeMessage(message[0], message, encrypted, epoch, recordIndex));
            completed++;
        }

        return completed;
    }
}
