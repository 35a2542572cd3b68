namespace TsThinLic.Rdp.Tls;

/// <summary>What a TLS server presents: its certificate chain (DER, leaf first) and the leaf's private key.</summary>
public sealed class TlsServerCredentials
{
    public TlsServerCredentials(IReadOnlyList<byte[]> certificateChain, ITlsServerKey key)
    {
        ArgumentNullException.ThrowIfNull(certificateChain);
        ArgumentNullException.ThrowIfNull(key);
        if (certificateChain.Count == 0)
        {
            throw new ArgumentException("A TLS server needs at least its own certificate.", nameof(certificateChain));
        }

        CertificateChain = certificateChain;
        Key = key;
    }

    /// <summary>Certificate.certificate_list: the server's certificate first.</summary>
    public IReadOnlyList<byte[]> CertificateChain { get; }

    /// <summary>The private key of the first certificate.</summary>
    public ITlsServerKey Key { get; }
}
