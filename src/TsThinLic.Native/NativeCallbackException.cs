namespace TsThinLic.Native;

/// <summary>
/// A callback of the caller's (random source, clock) returned failure. The operation that needed it stops; the export
/// returns TSTHINLIC_E_CALLBACK. Flash callbacks report through <see cref="Storage.LicenseStoreException"/> instead:
/// to the store a failing medium is a store failure.
/// </summary>
internal sealed class NativeCallbackException : Exception
{
    public NativeCallbackException()
    {
    }

    public NativeCallbackException(string message)
        : base(message)
    {
    }

    public NativeCallbackException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
