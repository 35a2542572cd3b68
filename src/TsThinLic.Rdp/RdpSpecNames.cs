namespace TsThinLic.Rdp;

/// <summary>The specification's own names for connection-sequence constants, for reports and logs.</summary>
public static class RdpSpecNames
{
    /// <summary>[MS-RDPBCGR 2.2.1.2.2] failureCode name, or its hex value when unknown.</summary>
    public static string NegotiationFailure(NegotiationFailureCode code) => code switch
    {
        NegotiationFailureCode.SslRequiredByServer => "SSL_REQUIRED_BY_SERVER",
        NegotiationFailureCode.SslNotAllowedByServer => "SSL_NOT_ALLOWED_BY_SERVER",
        NegotiationFailureCode.SslCertNotOnServer => "SSL_CERT_NOT_ON_SERVER",
        NegotiationFailureCode.InconsistentFlags => "INCONSISTENT_FLAGS",
        NegotiationFailureCode.HybridRequiredByServer => "HYBRID_REQUIRED_BY_SERVER",
        NegotiationFailureCode.SslWithUserAuthRequiredByServer => "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
        _ => $"0x{(uint)code:x8}",
    };

    /// <summary>[MS-RDPBCGR 2.2.1.1.1] selected protocol name.</summary>
    public static string Protocol(NegotiationProtocols protocol) => protocol switch
    {
        NegotiationProtocols.Rdp => "PROTOCOL_RDP",
        NegotiationProtocols.Ssl => "PROTOCOL_SSL",
        NegotiationProtocols.Hybrid => "PROTOCOL_HYBRID",
        NegotiationProtocols.RdsTls => "PROTOCOL_RDSTLS",
        NegotiationProtocols.HybridEx => "PROTOCOL_HYBRID_EX",
        NegotiationProtocols.RdsAad => "PROTOCOL_RDSAAD",
        _ => $"0x{(uint)protocol:x8}",
    };

    /// <summary>[MS-RDPBCGR 2.2.1.4.3] encryptionMethod name.</summary>
    public static string EncryptionMethod(EncryptionMethods method) => method switch
    {
        EncryptionMethods.None => "ENCRYPTION_METHOD_NONE",
        EncryptionMethods.Bits40 => "ENCRYPTION_METHOD_40BIT",
        EncryptionMethods.Bits56 => "ENCRYPTION_METHOD_56BIT",
        EncryptionMethods.Bits128 => "ENCRYPTION_METHOD_128BIT",
        EncryptionMethods.Fips => "ENCRYPTION_METHOD_FIPS",
        _ => $"0x{(uint)method:x8}",
    };

    /// <summary>[MS-RDPBCGR 2.2.1.4.3] encryptionLevel name.</summary>
    public static string EncryptionLevel(EncryptionLevel level) => level switch
    {
        Rdp.EncryptionLevel.None => "ENCRYPTION_LEVEL_NONE",
        Rdp.EncryptionLevel.Low => "ENCRYPTION_LEVEL_LOW",
        Rdp.EncryptionLevel.ClientCompatible => "ENCRYPTION_LEVEL_CLIENT_COMPATIBLE",
        Rdp.EncryptionLevel.High => "ENCRYPTION_LEVEL_HIGH",
        Rdp.EncryptionLevel.Fips => "ENCRYPTION_LEVEL_FIPS",
        _ => $"0x{(uint)level:x8}",
    };

    /// <summary>[MS-RDPBCGR 2.2.1.4.2] server version as "RDP 5.0" … "RDP 10.12", or its hex value.</summary>
    public static string ServerVersion(uint version) => version switch
    {
        0x00080001 => "RDP 4.0",
        0x00080004 => "RDP 5.0, 5.1, 5.2, 6.0, 6.1, 7.0, 7.1, 8.0 or 8.1",
        0x00080005 => "RDP 10.0",
        0x00080006 => "RDP 10.1",
        0x00080007 => "RDP 10.2",
        0x00080008 => "RDP 10.3",
        0x00080009 => "RDP 10.4",
        0x0008000A => "RDP 10.5",
        0x0008000B => "RDP 10.6",
        0x0008000C => "RDP 10.7",
        0x0008000D => "RDP 10.8",
        0x0008000E => "RDP 10.9",
        0x0008000F => "RDP 10.10",
        0x00080010 => "RDP 10.11",
        0x00080011 => "RDP 10.12",
        _ => $"0x{version:x8}",
    };

    /// <summary>[MS-RDPBCGR 2.2.5.1.1] The errorInfo codes a license server in a box sends: the protocol-independent ones and the licensing ones.</summary>
    private static readonly (uint Code, string Name)[] s_errorInfo =
    [
        (0x00000000, "ERRINFO_NONE"),
        (0x00000001, "ERRINFO_RPC_INITIATED_DISCONNECT"),
        (0x00000002, "ERRINFO_RPC_INITIATED_LOGOFF"),
        (0x00000003, "ERRINFO_IDLE_TIMEOUT"),
        (0x00000004, "ERRINFO_LOGON_TIMEOUT"),
        (0x00000005, "ERRINFO_DISCONNECTED_BY_OTHERCONNECTION"),
        (0x00000006, "ERRINFO_OUT_OF_MEMORY"),
        (0x00000007, "ERRINFO_SERVER_DENIED_CONNECTION"),
        (0x00000009, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES"),
        (0x0000000A, "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED"),
        (0x0000000B, "ERRINFO_RPC_INITIATED_DISCONNECT_BYUSER"),
        (0x0000000C, "ERRINFO_LOGOFF_BY_USER"),
        (0x00000100, "ERRINFO_LICENSE_INTERNAL"),
        (0x00000101, "ERRINFO_LICENSE_NO_LICENSE_SERVER"),
        (0x00000102, "ERRINFO_LICENSE_NO_LICENSE"),
        (0x00000103, "ERRINFO_LICENSE_BAD_CLIENT_MSG"),
        (0x00000104, "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE"),
        (0x00000105, "ERRINFO_LICENSE_BAD_CLIENT_LICENSE"),
        (0x00000106, "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL"),
        (0x00000107, "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL"),
        (0x00000108, "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION"),
        (0x00000109, "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE"),
        (0x0000010A, "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS"),
    ];

    /// <summary>[MS-RDPBCGR 2.2.5.1.1] errorInfo name, or its hex value when it is not one listed here.</summary>
    public static string ErrorInfo(uint code)
    {
        foreach ((uint value, string name) in s_errorInfo)
        {
            if (value == code)
            {
                return name;
            }
        }

        return $"0x{code:x8}";
    }

    /// <summary>An errorInfo given by name (ERRINFO_LICENSE_NO_LICENSE, case-insensitive) or number (0x102, 258).</summary>
    public static bool TryParseErrorInfo(string text, out uint code)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach ((uint value, string name) in s_errorInfo)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                code = value;
                return true;
            }
        }

        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text.AsSpan(2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out code)
            : uint.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out code);
    }
}
