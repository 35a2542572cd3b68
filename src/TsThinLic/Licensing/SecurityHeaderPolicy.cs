namespace TsThinLic.Licensing;

/// <summary>Whether the client's licensing PDUs carry the basic security header (TS_SECURITY_HEADER).</summary>
public enum SecurityHeaderPolicy
{
    /// <summary>Write one when the server's PDUs came with one.</summary>
    MirrorServer,

    /// <summary>Always write one (SEC_LICENSE_PKT).</summary>
    Always,

    /// <summary>Never write one (the caller's transport adds its own framing).</summary>
    Never,
}
