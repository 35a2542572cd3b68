using Org.BouncyCastle.Math;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [SEC 2 2.4.2] / [FIPS 186-4 D.1.2.3] The curve secp256r1 (NIST P-256), y² = x³ − 3x + b over GF(p), for the
/// ECDHE of TLS [RFC 8422]. Points are Jacobian (X, Y, Z) ↔ (X/Z², Y/Z³); Z = 0 is the point at infinity.
/// </summary>
/// <remarks>
/// Written here over BouncyCastle's <see cref="BigInteger"/> because BouncyCastle's own P-256 is reachable only
/// through its curve registries (which bring every named curve into the binary) or a public curve constructor
/// that primality-tests p with a generator seeded by the operating system's (OpenSSL on Linux). The scalar walk is
/// a Montgomery ladder (one addition and one doubling per bit, whatever the bit); the big-integer arithmetic under
/// it is not constant-time, acceptable for a key used for one handshake.
/// </remarks>
internal static class P256
{
    /// <summary>Length of a field element or scalar in bytes.</summary>
    public const int ElementLength = 32;

    /// <summary>An uncompressed point: 0x04 || x || y ([SEC 1 2.3.3], the only format of [RFC 8422 5.4.1]).</summary>
    public const int UncompressedPointLength = 1 + (2 * ElementLength);

    private static readonly BigInteger s_p = new("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static readonly BigInteger s_b = new("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
    private static readonly BigInteger s_gx = new("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16);
    private static readonly BigInteger s_gy = new("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16);

    /// <summary>n, the order of the base point (the cofactor is 1).</summary>
    internal static BigInteger Order { get; } = new("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    /// <summary>Whether <paramref name="scalar"/> (big-endian) is a usable private key: 1 ≤ d &lt; n.</summary>
    public static bool IsValidScalar(ReadOnlySpan<byte> scalar)
    {
        BigInteger d = RsaMath.FromBigEndian(scalar);
        return d.SignValue > 0 && d.CompareTo(Order) < 0;
    }

    /// <summary>The uncompressed public point d·G.</summary>
    public static byte[] PublicKey(ReadOnlySpan<byte> scalar)
    {
        if (!TryMultiply(scalar, s_gx, s_gy, out BigInteger x, out BigInteger y))
        {
            throw new ArgumentException("The scalar is not a private key.", nameof(scalar));
        }

        byte[] point = new byte[UncompressedPointLength];
        point[0] = 0x04;
        RsaMath.TryWriteBigEndian(x, point.AsSpan(1, ElementLength));
        RsaMath.TryWriteBigEndian(y, point.AsSpan(1 + ElementLength, ElementLength));
        return point;
    }

    /// <summary>
    /// [RFC 8422 5.10] The ECDH shared secret: the x-coordinate of d·Q, 32 bytes. False when <paramref name="peerPoint"/>
    /// is not an uncompressed point on the curve ([RFC 8422 5.11]: the peer's point must be validated) or the
    /// product is the point at infinity.
    /// </summary>
    public static bool TryAgree(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> peerPoint, Span<byte> sharedSecret)
    {
        if (peerPoint.Length != UncompressedPointLength || peerPoint[0] != 0x04)
        {
            return false;
        }

        BigInteger qx = RsaMath.FromBigEndian(peerPoint.Slice(1, ElementLength));
        BigInteger qy = RsaMath.FromBigEndian(peerPoint.Slice(1 + ElementLength, ElementLength));
        if (!IsOnCurve(qx, qy) || !TryMultiply(scalar, qx, qy, out BigInteger x, out _))
        {
            return false;
        }

        return RsaMath.TryWriteBigEndian(x, sharedSecret[..ElementLength]);
    }

    /// <summary>0 ≤ x, y &lt; p and y² = x³ − 3x + b (mod p).</summary>
    internal static bool IsOnCurve(BigInteger x, BigInteger y)
    {
        if (x.CompareTo(s_p) >= 0 || y.CompareTo(s_p) >= 0)
        {
            return false;
        }

        BigInteger left = Mul(y, y);
        BigInteger right = Add(Sub(Mul(Mul(x, x), x), Mul(BigInteger.Three, x)), s_b);
        return left.Equals(right);
    }

    private static bool TryMultiply(ReadOnlySpan<byte> scalar, BigInteger px, BigInteger py, out BigInteger x, out BigInteger y)
    {
        x = y = BigInteger.Zero;
        BigInteger k = RsaMath.FromBigEndian(scalar);
        if (k.SignValue <= 0 || k.CompareTo(Order) >= 0)
        {
            return false;
        }

        // Montgomery ladder: R1 − R0 = P throughout.
        var r0 = Point.Infinity;
        var r1 = new Point(px, py, BigInteger.One);
        for (int i = 255; i >= 0; i--)
        {
            if (k.TestBit(i))
            {
                r0 = AddPoints(r0, r1);
                r1 = Double(r1);
            }
            else
            {
                r1 = AddPoints(r0, r1);
                r0 = Double(r0);
            }
        }

        if (r0.IsInfinity)
        {
            return false;
        }

        // Affine: x = X/Z², y = Y/Z³.
        BigInteger zInverse = r0.Z.ModInverse(s_p);
        BigInteger zInverse2 = Mul(zInverse, zInverse);
        x = Mul(r0.X, zInverse2);
        y = Mul(r0.Y, Mul(zInverse2, zInverse));
        return true;
    }

    /// <summary>Doubling for a = −3 (the "dbl-2001-b" formulas of the Explicit-Formulas Database).</summary>
    private static Point Double(Point p)
    {
        if (p.IsInfinity || p.Y.SignValue == 0)
        {
            return Point.Infinity;
        }

        BigInteger delta = Mul(p.Z, p.Z);
        BigInteger gamma = Mul(p.Y, p.Y);
        BigInteger beta = Mul(p.X, gamma);
        BigInteger alpha = Mul(BigInteger.Three, Mul(Sub(p.X, delta), Add(p.X, delta)));
        BigInteger x3 = Sub(Mul(alpha, alpha), Mul(BigInteger.ValueOf(8), beta));
        BigInteger yz = Add(p.Y, p.Z);
        BigInteger z3 = Sub(Sub(Mul(yz, yz), gamma), delta);
        BigInteger y3 = Sub(Mul(alpha, Sub(Mul(BigInteger.Four, beta), x3)), Mul(BigInteger.ValueOf(8), Mul(gamma, gamma)));
        return new Point(x3, y3, z3);
    }

    /// <summary>General addition ("add-2007-bl"), falling back to doubling when both points are equal.</summary>
    private static Point AddPoints(Point p, Point q)
    {
        if (p.IsInfinity)
        {
            return q;
        }

        if (q.IsInfinity)
        {
            return p;
        }

        BigInteger z1z1 = Mul(p.Z, p.Z);
        BigInteger z2z2 = Mul(q.Z, q.Z);
        BigInteger u1 = Mul(p.X, z2z2);
        BigInteger u2 = Mul(q.X, z1z1);
        BigInteger s1 = Mul(Mul(p.Y, q.Z), z2z2);
        BigInteger s2 = Mul(Mul(q.Y, p.Z), z1z1);
        BigInteger h = Sub(u2, u1);
        BigInteger r = Add(Sub(s2, s1), Sub(s2, s1));
        if (h.SignValue == 0)
        {
            return r.SignValue == 0 ? Double(p) : Point.Infinity;
        }

        BigInteger twoH = Add(h, h);
        BigInteger i = Mul(twoH, twoH);
        BigInteger j = Mul(h, i);
        BigInteger v = Mul(u1, i);
        BigInteger x3 = Sub(Sub(Mul(r, r), j), Add(v, v));
        BigInteger s1j = Mul(s1, j);
        BigInteger y3 = Sub(Mul(r, Sub(v, x3)), Add(s1j, s1j));
        BigInteger zSum = Add(p.Z, q.Z);
        BigInteger z3 = Mul(Sub(Sub(Mul(zSum, zSum), z1z1), z2z2), h);
        return new Point(x3, y3, z3);
    }

    private static BigInteger Mul(BigInteger a, BigInteger b) => a.Multiply(b).Mod(s_p);

    private static BigInteger Add(BigInteger a, BigInteger b)
    {
        BigInteger sum = a.Add(b);
        return sum.CompareTo(s_p) >= 0 ? sum.Subtract(s_p) : sum;
    }

    private static BigInteger Sub(BigInteger a, BigInteger b)
    {
        BigInteger difference = a.Subtract(b);
        return difference.SignValue < 0 ? difference.Add(s_p) : difference;
    }

    private readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z)
    {
        public static Point Infinity { get; } = new(BigInteger.One, BigInteger.One, BigInteger.Zero);

        public bool IsInfinity => Z.SignValue == 0;
    }
}
