namespace TsThinLic.Rdp.Ntlm;

/// <summary>[MS-NLMP 2.2.2.1] AvId of an AV_PAIR.</summary>
public enum NtlmAvId : ushort
{
    /// <summary>MsvAvEOL: the end of the list.</summary>
    Eol = 0x0000,

    /// <summary>MsvAvNbComputerName.</summary>
    NbComputerName = 0x0001,

    /// <summary>MsvAvNbDomainName.</summary>
    NbDomainName = 0x0002,

    /// <summary>MsvAvDnsComputerName.</summary>
    DnsComputerName = 0x0003,

    /// <summary>MsvAvDnsDomainName.</summary>
    DnsDomainName = 0x0004,

    /// <summary>MsvAvDnsTreeName.</summary>
    DnsTreeName = 0x0005,

    /// <summary>MsvAvFlags (0x2: the client provides a MIC).</summary>
    Flags = 0x0006,

    /// <summary>MsvAvTimestamp: the server's FILETIME.</summary>
    Timestamp = 0x0007,

    /// <summary>MsvAvSingleHost.</summary>
    SingleHost = 0x0008,

    /// <summary>MsvAvTargetName: the SPN the client means (TERMSRV/host).</summary>
    TargetName = 0x0009,

    /// <summary>MsvAvChannelBindings: MD5 of gss_channel_bindings_struct, or zeros.</summary>
    ChannelBindings = 0x000A,
}
