namespace TsThinLic.Native;

/// <summary>
/// A call that cannot go on, with the status it returns (an argument the header forbids, a store kind this library does
/// not open, a call the exchange's state does not allow). Thrown inside an export and turned into its status and
/// last-error text at the boundary (<see cref="NativeBoundary"/>); it never leaves the library.
/// </summary>
internal sealed class NativeException : Exception
{
    public NativeException()
    {
    }

    public NativeException(string message)
        : base(message)
    {
    }

    public NativeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NativeException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    /// <summary>The status the export returns.</summary>
    public int Status { get; } = NativeStatus.Internal;
}
