using System.Buffers.Binary;

namespace TsThinLic.Rdp.Nla;

/// <summary>
/// [MS-RDPBCGR 2.2.10.2] Early User Authorization Result PDU: four bytes (authorizationResult) the server sends after
/// CredSSP when PROTOCOL_HYBRID_EX was selected, before the MCS Connect Response.
/// </summary>
public static class EarlyUserAuthorizationResult
{
    public const int Length = 4 /* authorizationResult */;

    /// <summary>AUTHZ_SUCCESS.</summary>
    public const uint Success = 0x00000000;

    /// <summary>AUTHZ_ACCESS_DENIED.</summary>
    public const uint AccessDenied = 0x00000005;

    public static uint Read(ReadOnlySpan<byte> pdu) => BinaryPrimitives.ReadUInt32LittleEndian(pdu);

    public static string Name(uint result) => result switch
    {
        Success => "AUTHZ_SUCCESS",
        AccessDenied => "AUTHZ_ACCESS_DENIED",
        _ => $"0x{result:x8}",
    };
}
