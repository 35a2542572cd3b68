namespace TsThinLic.Pdu;

/// <summary>One length field the decoder read: its wire name, offset and size (2 or 4 bytes).</summary>
internal readonly record struct WireLengthField(string Field, int Offset, int Size);

/// <summary>
/// Lets tests learn where every length field of a fixture sits, so they can mutate each one; null (and free) otherwise.
/// </summary>
internal static class WireLengthTrace
{
    [ThreadStatic]
    private static List<WireLengthField>? t_current;

    public static List<WireLengthField>? Current
    {
        get => t_current;
        set => t_current = value;
    }
}
