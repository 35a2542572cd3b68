namespace TsThinLic.Rdp;

/// <summary>[MS-RDPBCGR 2.2.1.3.3] Client Security Data (TS_UD_CS_SEC): the Standard RDP Security methods the client supports.</summary>
public sealed class ClientSecurityData
{
    /// <summary>header (4) + encryptionMethods (4) + extEncryptionMethods (4).</summary>
    public const int EncodedLength = UserDataBlock.HeaderLength + 4 + 4;

    /// <summary>Every method this client implements.</summary>
    public const EncryptionMethods AllMethods = EncryptionMethods.Bits40 | EncryptionMethods.Bits56 | EncryptionMethods.Bits128 | EncryptionMethods.Fips;

    /// <summary>encryptionMethods.</summary>
    public EncryptionMethods EncryptionMethods { get; init; } = AllMethods;

    /// <summary>extEncryptionMethods (French locale only; 0).</summary>
    public uint ExtEncryptionMethods { get; init; }

    internal void Write(RdpWriter writer)
    {
        writer.WriteUInt16(UserDataBlock.ClientSecurity);
        writer.WriteUInt16(EncodedLength);
        writer.WriteUInt32((uint)EncryptionMethods);
        writer.WriteUInt32(ExtEncryptionMethods);
    }
}
