using TsThinLic.Crypto;

namespace TsThinLic.Tests.Fakes;

/// <summary>
/// Random bytes a test chooses: first the queued byte strings, in order (each request takes the next whole one, so
/// a captured client random and premaster secret come back exactly), then a deterministic counter stream.
/// </summary>
internal sealed class SequenceRandomSource : IRandomSource
{
    private readonly Queue<byte[]> _queued;
    private byte _counter;

    public SequenceRandomSource(params byte[][] queued) => _queued = new Queue<byte[]>(queued);

    public SequenceRandomSource(byte seed, params byte[][] queued)
        : this(queued) => _counter = seed;

    public int Requests { get; private set; }

    public void GetBytes(Span<byte> destination)
    {
        Requests++;
        if (_queued.TryDequeue(out byte[]? next))
        {
            if (next.Length != destination.Length)
            {
                throw new InvalidOperationException($"Queued {next.Length} random bytes, but {destination.Length} were asked for.");
            }

            next.CopyTo(destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = unchecked((byte)(_counter * 37 + 11));
            _counter++;
        }
    }
}
