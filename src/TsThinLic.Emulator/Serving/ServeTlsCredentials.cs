using System.Formats.Asn1;
using TsThinLic.Rdp.Security;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Emulator.Serving;

/// <summary>
/// The TLS server certificate of `serve`: self-signed, CN = the server name, sha256WithRSAEncryption over the
/// emulator's fixed 2048-bit key, valid 2020–2049, so every run presents the same certificate (clients pin it or are
/// told to ignore it: xfreerdp /cert:ignore).
/// </summary>
public static class ServeTlsCredentials
{
    private static readonly Lazy<TlsServerCredentials> s_default = new(() => Create("tsthinlic-serve"));

    /// <summary>The credentials for the default name.</summary>
    public static TlsServerCredentials Default => s_default.Value;

    /// <summary>Credentials whose certificate names <paramref name="serverName"/>.</summary>
    public static TlsServerCredentials Create(string serverName)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverName);
        RsaPrivateKey key = EmulatorKeys.Rsa2048;
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            CertificateWriter.WriteVersionAndSerial(tbs, 0x7517);
            CertificateWriter.WriteAlgorithm(tbs, CertificateWriter.Sha256WithRsa);
            CertificateWriter.WriteUtf8Name(tbs, Cal.CalName.CommonNameOid, serverName);
            CertificateWriter.WriteValidity(tbs, EmulatorKeys.CertificatesFrom, EmulatorKeys.CertificatesUntil);
            CertificateWriter.WriteUtf8Name(tbs, Cal.CalName.CommonNameOid, serverName);
            CertificateWriter.WritePublicKey(tbs, key.PublicKey);
        }

        byte[] certificate = CertificateWriter.Sign(tbs.Encode(), key, CertificateWriter.Sha256WithRsa);
        return new TlsServerCredentials([certificate], new ServeTlsKey(key));
    }
}
