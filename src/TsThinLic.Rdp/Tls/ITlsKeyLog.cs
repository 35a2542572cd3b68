namespace TsThinLic.Rdp.Tls;

/// <summary>
/// Where a TLS session hands the secrets a capture's decryption needs, in the terms of the NSS key log format
/// (<c>SSLKEYLOGFILE</c>, which Wireshark, tshark and <c>tsthinlic replay --keylog</c> read): a label
/// (<c>CLIENT_RANDOM</c> for TLS 1.2, whose secret is the 48-byte master secret), the connection's ClientHello.random
/// and the secret. Only the user's explicit request (<c>--keylog FILE</c> or <c>SSLKEYLOGFILE</c>) installs one: the
/// secrets are key material and go nowhere else, never to a log.
/// </summary>
public interface ITlsKeyLog
{
    /// <summary>Records one secret. Must not throw: a sink that cannot write keeps the reason for its owner to report.</summary>
    void Write(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret);
}
