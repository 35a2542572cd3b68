using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// The private half of a TLS server's RSA certificate key, as <see cref="TlsServerSession"/> needs it: the raw private
/// operation m = c^d mod n. Padding (PKCS #1 v1.5 signatures and decryption) is the session's; the key stays with its
/// owner (an emulated server's fixed key, never a device's).
/// </summary>
public interface ITlsServerKey
{
    /// <summary>The public half (its modulus length is the length of every operand).</summary>
    RsaPublicKey PublicKey { get; }

    /// <summary>
    /// <paramref name="output"/> = <paramref name="input"/>^d mod n, both big-endian and exactly
    /// <see cref="RsaPublicKey.ModulusLength"/> bytes; false when the input is not below the modulus.
    /// </summary>
    bool TryPrivateOperation(ReadOnlySpan<byte> input, Span<byte> output);
}
