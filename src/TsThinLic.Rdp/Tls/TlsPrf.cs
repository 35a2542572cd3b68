using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 5] The TLS 1.2 PRF: PRF(secret, label, seed) = P_hash(secret, label + seed), where
/// P_hash = HMAC_hash(secret, A(1) + seed') + HMAC_hash(secret, A(2) + seed') + …, A(0) = seed', A(i) =
/// HMAC_hash(secret, A(i-1)). SHA-256 unless the suite names SHA-384 ([RFC 5288 3], [RFC 5289 3.2]).
/// </summary>
internal static class TlsPrf
{
    public static byte[] Compute(bool sha384, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> seed, int length)
    {
        byte[] output = new byte[length];
        Compute(sha384, secret, label, seed, output);
        return output;
    }

    public static void Compute(bool sha384, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> seed, Span<byte> output)
    {
        var hmac = new HMac(CreateHash(sha384));
        hmac.Init(new KeyParameter(secret));
        int hashLength = hmac.GetMacSize();

        // The label is ASCII without a length byte or trailing NUL (RFC 5246 5).
        byte[] labelAndSeed = new byte[label.Length + seed.Length];
        Encoding.ASCII.GetBytes(label, labelAndSeed);
        seed.CopyTo(labelAndSeed.AsSpan(label.Length));

        byte[] a = labelAndSeed;
        byte[] block = new byte[hashLength];
        int written = 0;
        while (written < output.Length)
        {
            byte[] next = new byte[hashLength];
            hmac.BlockUpdate(a);
            hmac.DoFinal(next);
            a = next;

            hmac.BlockUpdate(a);
            hmac.BlockUpdate(labelAndSeed);
            hmac.DoFinal(block);
            int count = Math.Min(hashLength, output.Length - written);
            block.AsSpan(0, count).CopyTo(output[written..]);
            written += count;
        }
    }

    /// <summary>The PRF's (and the handshake messages') hash: SHA-384 for the *_SHA384 suites, else SHA-256.</summary>
    public static IDigest CreateHash(bool sha384) => sha384 ? new Sha384Digest() : new Sha256Digest();

    /// <summary>Hash(<paramref name="data"/>) with the PRF's hash.</summary>
    public static byte[] Hash(bool sha384, ReadOnlySpan<byte> data)
    {
        IDigest digest = CreateHash(sha384);
        digest.BlockUpdate(data);
        byte[] hash = new byte[digest.GetDigestSize()];
        digest.DoFinal(hash);
        return hash;
    }
}
