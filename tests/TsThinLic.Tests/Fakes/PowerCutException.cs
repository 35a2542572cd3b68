namespace TsThinLic.Tests.Fakes;

/// <summary>The emulated power went off during an operation: nothing after it happened.</summary>
public sealed class PowerCutException : IOException
{
    public PowerCutException()
        : base("power cut")
    {
    }

    public PowerCutException(string message)
        : base(message)
    {
    }

    public PowerCutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
