namespace TsThinLic.Storage.Flash;

/// <summary>
/// A flash operation the medium cannot do: programming a bit from 0 to 1, an unaligned program or erase, an access
/// outside the device. Thrown by <see cref="EmulatedFlash"/> so that a test sees every such bug in the store.
/// </summary>
public sealed class FlashViolationException : InvalidOperationException
{
    public FlashViolationException()
    {
    }

    public FlashViolationException(string message)
        : base(message)
    {
    }

    public FlashViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
