namespace TsThinLic.Native;

/// <summary>The caller's clock callback (tsthinlic_clock_fn) as the core's clock: milliseconds since the Unix epoch.</summary>
internal sealed unsafe class CallbackTimeProvider(delegate* unmanaged<void*, long*, int> clock, void* context) : TimeProvider
{
    public override DateTimeOffset GetUtcNow()
    {
        long milliseconds = 0;
        int result = clock(context, &milliseconds);
        if (result != 0)
        {
            throw new NativeCallbackException($"the clock callback returned {result}");
        }

        if (milliseconds < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw new NativeCallbackException($"the clock callback gave {milliseconds} ms, outside the years 1 to 9999");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }
}
