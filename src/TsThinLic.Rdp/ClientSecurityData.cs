using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

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

    /// <summary>Decodes a CS_SECURITY block's data (after its header); extEncryptionMethods may be absent.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, int baseOffset, [NotNullWhen(true)] out ClientSecurityData? security, out DecodeError error)
    {
        security = null;
        var reader = new RdpReader(data, baseOffset);
        if (!reader.TryReadUInt32("encryptionMethods", out uint methods))
        {
            error = reader.Error;
            return false;
        }

        uint extended = reader.Remaining >= 4 && reader.TryReadUInt32("extEncryptionMethods", out uint e) ? e : 0;
        security = new ClientSecurityData { EncryptionMethods = (EncryptionMethods)methods, ExtEncryptionMethods = extended };
        error = default;
        return true;
    }
}
