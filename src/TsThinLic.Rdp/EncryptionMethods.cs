namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.3.3] / [2.2.1.4.3] encryptionMethods (client, flags) and encryptionMethod (server, one value).</summary>
[Flags]
public enum EncryptionMethods : uint
{
    /// <summary>ENCRYPTION_METHOD_NONE.</summary>
    None = 0x00000000,

    /// <summary>40BIT_ENCRYPTION_FLAG / ENCRYPTION_METHOD_40BIT.</summary>
    Bits40 = 0x00000001,

    /// <summary>128BIT_ENCRYPTION_FLAG / ENCRYPTION_METHOD_128BIT.</summary>
    Bits128 = 0x00000002,

    /// <summary>56BIT_ENCRYPTION_FLAG / ENCRYPTION_METHOD_56BIT.</summary>
    Bits56 = 0x00000008,

    /// <summary>FIPS_ENCRYPTION_FLAG / ENCRYPTION_METHOD_FIPS.</summary>
    Fips = 0x00000010,
}
