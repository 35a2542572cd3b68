using TsThinLic.Crypto;

namespace TsThinLic.Native;

/// <summary>
/// The caller's random callback (tsthinlic_random_fn) as the core's random source: a new HWID (16 bytes), each client
/// random (32) and premaster secret (48) come from it, so a captured exchange replays byte for byte.
/// </summary>
internal sealed unsafe class CallbackRandomSource(delegate* unmanaged<void*, byte*, nuint, int> random, void* context) : IRandomSource
{
    public void GetBytes(Span<byte> destination)
    {
        int result;
        fixed (byte* buffer = destination)
        {
            result = random(context, buffer, (nuint)destination.Length);
        }

        if (result != 0)
        {
            throw new NativeCallbackException($"the random callback returned {result} for {destination.Length} bytes");
        }
    }
}
