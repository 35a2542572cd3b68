using System.Buffers.Binary;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 2.2.2.10] VERSION: the sender's OS version, for debugging only (NTLMSSP_NEGOTIATE_VERSION), and the NTLM
/// revision (NTLMSSP_REVISION_W2K3, 0x0F).
/// </summary>
/// <param name="Major">ProductMajorVersion.</param>
/// <param name="Minor">ProductMinorVersion.</param>
/// <param name="Build">ProductBuild.</param>
/// <param name="Revision">NTLMRevisionCurrent.</param>
public readonly record struct NtlmVersion(byte Major, byte Minor, ushort Build, byte Revision = NtlmVersion.RevisionW2k3)
{
    public const int Length = 1 /* ProductMajorVersion */ + 1 /* ProductMinorVersion */ + 2 /* ProductBuild */ + 3 /* Reserved */ + 1 /* NTLMRevisionCurrent */;

    /// <summary>NTLMSSP_REVISION_W2K3.</summary>
    public const byte RevisionW2k3 = 0x0F;

    /// <summary>What the client announces: Windows 10 build 19041, as current mstsc clients do.</summary>
    public static NtlmVersion Default { get; } = new(10, 0, 19041);

    public void Write(Span<byte> destination)
    {
        destination[0] = Major;
        destination[1] = Minor;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], Build);
        destination[4] = 0;
        destination[5] = 0;
        destination[6] = 0;
        destination[7] = Revision;
    }

    public static NtlmVersion Read(ReadOnlySpan<byte> source)
        => new(source[0], source[1], BinaryPrimitives.ReadUInt16LittleEndian(source[2..]), source[7]);

    public override string ToString() => $"{Major}.{Minor}.{Build} (NTLM revision 0x{Revision:x2})";
}
