using TsThinLic.Crypto;

namespace TsThinLic.Fuzzing;

/// <summary>
/// The randoms a target's client draws, the same on every run so that a seed recorded against it (a TLS server
/// flight, a sealed licensing PDU) replays: queued blocks first, each taken only by a request of its own length,
/// then a fixed pattern per request length. The 48-byte pattern (a premaster secret) has a small top byte, so it is
/// below any RSA modulus a server can send.
/// </summary>
public sealed class FuzzRandomSource : IRandomSource
{
    private readonly Queue<byte[]> _queued;

    public FuzzRandomSource(IEnumerable<byte[]>? queued = null) => _queued = new Queue<byte[]>(queued ?? []);

    /// <summary>What a request for <paramref name="length"/> bytes gets once the queue is empty.</summary>
    public static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = unchecked((byte)((length * 31) + (i * 7) + 1));
        }

        if (length > 0)
        {
            bytes[^1] = 0x01;
        }

        return bytes;
    }

    public void GetBytes(Span<byte> destination)
    {
        if (_queued.TryPeek(out byte[]? next) && next.Length == destination.Length)
        {
            _queued.Dequeue().CopyTo(destination);
            return;
        }

        Pattern(destination.Length).CopyTo(destination);
    }
}
