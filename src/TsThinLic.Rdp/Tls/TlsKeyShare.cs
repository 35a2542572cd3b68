using Org.BouncyCastle.Math.EC.Rfc7748;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 8422 5.4, 5.7, 5.10] The client's ephemeral ECDHE key for the group the server chose: its public point
/// for ClientKeyExchange, and the premaster secret from the server's point.
/// </summary>
internal sealed class TlsKeyShare
{
    private readonly byte[] _privateKey;

    private TlsKeyShare(TlsNamedGroup group, byte[] privateKey, byte[] publicKey)
    {
        Group = group;
        _privateKey = privateKey;
        PublicKey = publicKey;
    }

    public TlsNamedGroup Group { get; }

    /// <summary>ECPoint ecdh_Yc: 32 bytes for x25519 [RFC 8422 5.11], an uncompressed point for secp256r1.</summary>
    public byte[] PublicKey { get; }

    /// <summary>A fresh key for <paramref name="group"/>, its randomness from <paramref name="random"/>.</summary>
    public static TlsKeyShare Create(TlsNamedGroup group, IRandomSource random)
    {
        byte[] privateKey = new byte[32];
        if (group == TlsNamedGroup.X25519)
        {
            // RFC 7748 5: 32 random bytes; the scalar multiplication clamps them itself.
            random.GetBytes(privateKey);
            byte[] publicKey = new byte[X25519.PointSize];
            X25519.ScalarMult(privateKey, BasePointU(), publicKey);
            return new TlsKeyShare(group, privateKey, publicKey);
        }

        // [FIPS 186-4 B.4.2] Testing candidates: draw 32 bytes until 1 ≤ d < n.
        do
        {
            random.GetBytes(privateKey);
        }
        while (!P256.IsValidScalar(privateKey));

        return new TlsKeyShare(group, privateKey, P256.PublicKey(privateKey));
    }

    /// <summary>
    /// The premaster secret from the server's ECDH public value; false when the value is not a valid point, or (for
    /// x25519) gives the all-zero secret ([RFC 8422 5.11], [RFC 7748 6.1]).
    /// </summary>
    public bool TryAgree(ReadOnlySpan<byte> serverPublic, out byte[] preMasterSecret)
    {
        preMasterSecret = new byte[32];
        if (Group == TlsNamedGroup.X25519)
        {
            return serverPublic.Length == X25519.PointSize && X25519.CalculateAgreement(_privateKey, serverPublic, preMasterSecret);
        }

        return P256.TryAgree(_privateKey, serverPublic, preMasterSecret);
    }

    /// <summary>The u-coordinate 9 of the x25519 base point, little-endian [RFC 7748 4.1].</summary>
    private static byte[] BasePointU()
    {
        byte[] u = new byte[X25519.PointSize];
        u[0] = 9;
        return u;
    }
}
