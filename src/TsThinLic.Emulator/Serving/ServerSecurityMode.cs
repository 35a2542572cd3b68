namespace TsThinLic.Emulator.Serving;

/// <summary>Which security the emulated RDP server offers ([MS-RDPBCGR 5.3, 5.4]; `serve --security`).</summary>
public enum ServerSecurityMode
{
    /// <summary>Standard RDP Security only: RDP_NEG_RSP selects PROTOCOL_RDP whatever the client asked for.</summary>
    Rdp,

    /// <summary>TLS only: a client that did not ask for PROTOCOL_SSL gets RDP_NEG_FAILURE SSL_REQUIRED_BY_SERVER.</summary>
    Tls,

    /// <summary>TLS when the client asks for it, else Standard RDP Security.</summary>
    Negotiate,
}
