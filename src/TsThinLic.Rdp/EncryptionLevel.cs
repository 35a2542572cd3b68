namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.4.3] encryptionLevel of the Server Security Data.</summary>
public enum EncryptionLevel : uint
{
    /// <summary>ENCRYPTION_LEVEL_NONE.</summary>
    None = 0,

    /// <summary>ENCRYPTION_LEVEL_LOW: only client-to-server traffic is encrypted.</summary>
    Low = 1,

    /// <summary>ENCRYPTION_LEVEL_CLIENT_COMPATIBLE.</summary>
    ClientCompatible = 2,

    /// <summary>ENCRYPTION_LEVEL_HIGH.</summary>
    High = 3,

    /// <summary>ENCRYPTION_LEVEL_FIPS.</summary>
    Fips = 4,
}
