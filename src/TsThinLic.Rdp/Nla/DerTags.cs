namespace TsThinLic.Rdp.Nla;

/// <summary>[ITU-T X.680, X.690] The tags CredSSP and SPNEGO use.</summary>
internal static class DerTags
{
    public const byte Integer = 0x02;
    public const byte BitString = 0x03;
    public const byte OctetString = 0x04;
    public const byte ObjectIdentifier = 0x06;
    public const byte Enumerated = 0x0A;
    public const byte Sequence = 0x30;

    /// <summary>[APPLICATION 0] constructed: the GSS-API InitialContextToken of RFC 2743 3.1.</summary>
    public const byte Application0 = 0x60;

    /// <summary>[n] constructed, context-specific (n &lt; 31).</summary>
    public static byte Context(int number) => (byte)(0xA0 | number);
}
