namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 4] Reads the presentation language's big-endian numbers and length-prefixed vectors, bounds-checked:
/// a read that runs past the end returns false and consumes nothing.
/// </summary>
internal ref struct TlsReader
{
    private ReadOnlySpan<byte> _rest;

    public TlsReader(ReadOnlySpan<byte> data) => _rest = data;

    public readonly bool IsEmpty => _rest.IsEmpty;

    public readonly int Remaining => _rest.Length;

    public bool TryReadUInt8(out byte value)
    {
        if (_rest.IsEmpty)
        {
            value = 0;
            return false;
        }

        value = _rest[0];
        _rest = _rest[1..];
        return true;
    }

    public bool TryReadUInt16(out int value)
    {
        if (_rest.Length < 2)
        {
            value = 0;
            return false;
        }

        value = (_rest[0] << 8) | _rest[1];
        _rest = _rest[2..];
        return true;
    }

    public bool TryReadUInt24(out int value)
    {
        if (_rest.Length < 3)
        {
            value = 0;
            return false;
        }

        value = (_rest[0] << 16) | (_rest[1] << 8) | _rest[2];
        _rest = _rest[3..];
        return true;
    }

    public bool TryReadBytes(int length, out ReadOnlySpan<byte> value)
    {
        if (length < 0 || length > _rest.Length)
        {
            value = default;
            return false;
        }

        value = _rest[..length];
        _rest = _rest[length..];
        return true;
    }

    /// <summary>opaque field&lt;0..2^8-1&gt;.</summary>
    public bool TryReadVector8(out ReadOnlySpan<byte> value)
    {
        TlsReader attempt = this;
        if (attempt.TryReadUInt8(out byte length) && attempt.TryReadBytes(length, out value))
        {
            this = attempt;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>opaque field&lt;0..2^16-1&gt;.</summary>
    public bool TryReadVector16(out ReadOnlySpan<byte> value)
    {
        TlsReader attempt = this;
        if (attempt.TryReadUInt16(out int length) && attempt.TryReadBytes(length, out value))
        {
            this = attempt;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>opaque field&lt;0..2^24-1&gt;.</summary>
    public bool TryReadVector24(out ReadOnlySpan<byte> value)
    {
        TlsReader attempt = this;
        if (attempt.TryReadUInt24(out int length) && attempt.TryReadBytes(length, out value))
        {
            this = attempt;
            return true;
        }

        value = default;
        return false;
    }
}
