namespace TsThinLic.Storage.Flash;

/// <summary>
/// A flash operation the medium cannot do: programming a bit from 0 to 1, an unaligned program or erase, an access
/// outside the device. Thrown by <see cref="FileFlashDevice"/> and the tests' emulated flash, so that every such bug in the
/// store is seen.
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
