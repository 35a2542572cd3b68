using TsThinLic.Rdp.Tls;
using TsThinLic.Tests.Crypto.Tls;
using Xunit;

namespace TsThinLic.Tests.Nla;

/// <summary>The tests' TLS server certificate (BouncyCastle's, made once per run) as the probe reads it.</summary>
internal static class TestServerCertificate
{
    public static TlsServerCertificate Read()
    {
        Assert.True(TlsServerCertificate.TryRead(BcTlsPeer.CertificateDer, out TlsServerCertificate? certificate, out string? problem), problem);
        return certificate!;
    }

    /// <summary>Its SubjectPublicKey, what CredSSP binds.</summary>
    public static byte[] PublicKey() => Read().SubjectPublicKey;
}
