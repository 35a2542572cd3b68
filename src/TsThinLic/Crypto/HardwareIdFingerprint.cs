using Org.BouncyCastle.Crypto.Digests;

namespace TsThinLic.Crypto;

/// <summary>
/// A short, one-way name for a HWID, so logs and support tickets can tell devices apart without carrying the HWID
/// itself (STYLE.md: the HWID is logged as a short hash).
/// </summary>
public static class HardwareIdFingerprint
{
    /// <summary>The first 4 bytes of SHA-256 over the 20-byte HWID, as 8 lowercase hex digits.</summary>
    public static string Compute(ReadOnlySpan<byte> hardwareId)
    {
        var digest = new Sha256Digest();
        digest.BlockUpdate(hardwareId);
        Span<byte> hash = stackalloc byte[32];
        digest.DoFinal(hash);
        return Convert.ToHexStringLower(hash[..4]);
    }

    /// <summary>
    /// The whole SHA-256 over the 20-byte HWID, as 64 lowercase hex digits: what a fleet report compares across devices
    /// (the 4-byte fingerprint is for reading; across thousands of devices its collisions would look like clones).
    /// BouncyCastle's, as all crypto on the device: .NET's SHA256 loads OpenSSL on Linux.
    /// </summary>
    public static string ComputeHash(ReadOnlySpan<byte> hardwareId)
    {
        var digest = new Sha256Digest();
        digest.BlockUpdate(hardwareId);
        Span<byte> hash = stackalloc byte[32];
        digest.DoFinal(hash);
        return Convert.ToHexStringLower(hash);
    }
}
