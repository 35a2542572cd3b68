using TsThinLic.Crypto;
using TsThinLic.Licensing;

namespace TsThinLic.Benchmarks;

/// <summary>The same bytes on every run, so a recorded server side stays valid for the client being measured.</summary>
internal sealed class FixedRandomSource(byte seed) : IRandomSource
{
    private byte _next = seed;

    public void Reset(byte seed) => _next = seed;

    public void GetBytes(Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = unchecked((byte)(_next * 73 + 5));
            _next++;
        }
    }
}
