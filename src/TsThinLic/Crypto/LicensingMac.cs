using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace TsThinLic.Crypto;

/// <summary>
/// [MS-RDPELE 5.1.6] MAC Generation: MACData over the cleartext of an encrypted licensing message.
/// </summary>
public static class LicensingMac
{
    /// <summary>MACData length, in bytes.</summary>
    public const int Length = 16;

    private const int Sha1Length = 20;

    /// <summary>Computes MD5(MacSaltKey + 48×0x5C + SHA1(MacSaltKey + 40×0x36 + UINT32LE(len(data)) + data)).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Length"/>.</exception>
    public static void Compute(ReadOnlySpan<byte> macSaltKey, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"The destination must hold {Length} bytes.", nameof(destination));
        }

        // MS-RDPELE 5.1.6: pad1 is 40 bytes of 0x36, pad2 48 bytes of 0x5C (the SSL 3.0 MAC construction).
        Span<byte> pad = stackalloc byte[48];
        Span<byte> length = stackalloc byte[4];
        Span<byte> sha1Hash = stackalloc byte[Sha1Length];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)data.Length);

        var sha1 = new Sha1Digest();
        sha1.BlockUpdate(macSaltKey);
        pad[..40].Fill(0x36);
        sha1.BlockUpdate(pad[..40]);
        sha1.BlockUpdate(length);
        sha1.BlockUpdate(data);
        sha1.DoFinal(sha1Hash);

        var md5 = new MD5Digest();
        md5.BlockUpdate(macSaltKey);
        pad.Fill(0x5C);
        md5.BlockUpdate(pad);
        md5.BlockUpdate(sha1Hash);
        md5.DoFinal(destination);
    }

    /// <summary>Checks a received MACData in constant time; false for a MAC that is not <see cref="Length"/> bytes.</summary>
    public static bool Verify(ReadOnlySpan<byte> macSaltKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> mac)
    {
        if (mac.Length != Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[Length];
        Compute(macSaltKey, data, expected);
        return CryptographicOperations.FixedTimeEquals(expected, mac);
    }
}
