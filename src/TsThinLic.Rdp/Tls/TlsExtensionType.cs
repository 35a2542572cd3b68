namespace TsThinLic.Rdp.Tls;

/// <summary>[RFC 5246 7.4.1.4] ExtensionType values this client sends (and so accepts back in ServerHello).</summary>
internal enum TlsExtensionType : ushort
{
    /// <summary>supported_groups, formerly elliptic_curves ([RFC 8422 5.1.1]).</summary>
    SupportedGroups = 10,

    /// <summary>ec_point_formats ([RFC 8422 5.1.2]).</summary>
    EcPointFormats = 11,

    /// <summary>signature_algorithms ([RFC 5246 7.4.1.4.1]).</summary>
    SignatureAlgorithms = 13,

    /// <summary>extended_master_secret ([RFC 7627 5.1]).</summary>
    ExtendedMasterSecret = 23,

    /// <summary>renegotiation_info ([RFC 5746 3.2]).</summary>
    RenegotiationInfo = 0xFF01,
}
