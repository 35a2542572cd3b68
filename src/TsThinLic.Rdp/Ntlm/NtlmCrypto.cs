using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 3.3.2, 3.4.5, 6] The one-way functions and key derivations of NTLMv2, over BouncyCastle's MD4, MD5 and
/// HMAC-MD5 (.NET's come from OpenSSL on Linux, which the device does not ship).
/// </summary>
internal static class NtlmCrypto
{
    public const int HashLength = 16;

    private static ReadOnlySpan<byte> ClientSigningMagic => "session key to client-to-server signing key magic constant\0"u8;

    private static ReadOnlySpan<byte> ServerSigningMagic => "session key to server-to-client signing key magic constant\0"u8;

    private static ReadOnlySpan<byte> ClientSealingMagic => "session key to client-to-server sealing key magic constant\0"u8;

    private static ReadOnlySpan<byte> ServerSealingMagic => "session key to server-to-client sealing key magic constant\0"u8;

    /// <summary>The NT hash: MD4(UNICODE(Passwd)) ([MS-NLMP 3.3.1] NTOWFv1). The UTF-16 copy of the password is zeroed.</summary>
    public static void NtHash(ReadOnlySpan<char> password, Span<byte> destination)
    {
        byte[] unicode = new byte[Encoding.Unicode.GetByteCount(password)];
        try
        {
            Encoding.Unicode.GetBytes(password, unicode);
            var md4 = new MD4Digest();
            md4.BlockUpdate(unicode);
            md4.DoFinal(destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(unicode);
        }
    }

    /// <summary>[MS-NLMP 3.3.2] NTOWFv2 = HMAC_MD5(MD4(UNICODE(Passwd)), UNICODE(ConcatenationOf(Uppercase(User), UserDom))).</summary>
    public static void NtowfV2(ReadOnlySpan<byte> ntHash, string user, string domain, Span<byte> destination)
        => HmacMd5(ntHash, Encoding.Unicode.GetBytes(user.ToUpperInvariant() + domain), destination);

    public static void HmacMd5(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
        => HmacMd5(key, data, [], destination);

    public static void HmacMd5(ReadOnlySpan<byte> key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        var hmac = new HMac(new MD5Digest());
        hmac.Init(new KeyParameter(key));
        hmac.BlockUpdate(first);
        hmac.BlockUpdate(second);
        hmac.DoFinal(destination);
    }

    /// <summary>[MS-NLMP 3.1.5.1.2] MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE + CHALLENGE + AUTHENTICATE (MIC zeroed)).</summary>
    public static void Mic(ReadOnlySpan<byte> exportedSessionKey, ReadOnlySpan<byte> negotiate, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> authenticate, Span<byte> destination)
    {
        var hmac = new HMac(new MD5Digest());
        hmac.Init(new KeyParameter(exportedSessionKey));
        hmac.BlockUpdate(negotiate);
        hmac.BlockUpdate(challenge);
        hmac.BlockUpdate(authenticate);
        Span<byte> mic = stackalloc byte[HashLength];
        hmac.DoFinal(mic);
        mic.CopyTo(destination);
    }

    public static byte[] Md5(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var md5 = new MD5Digest();
        md5.BlockUpdate(first);
        md5.BlockUpdate(second);
        byte[] hash = new byte[HashLength];
        md5.DoFinal(hash);
        return hash;
    }

    /// <summary>[MS-NLMP 3.4.5.2] SIGNKEY with extended session security.</summary>
    public static byte[] SignKey(ReadOnlySpan<byte> exportedSessionKey, bool clientToServer)
        => Md5(exportedSessionKey, clientToServer ? ClientSigningMagic : ServerSigningMagic);

    /// <summary>[MS-NLMP 3.4.5.3] SEALKEY with extended session security: 128, 56 or 40 bits of the session key.</summary>
    public static byte[] SealKey(ReadOnlySpan<byte> exportedSessionKey, NtlmNegotiateFlags flags, bool clientToServer)
    {
        int length = (flags & NtlmNegotiateFlags.Negotiate128) != 0 ? 16 : (flags & NtlmNegotiateFlags.Negotiate56) != 0 ? 7 : 5;
        return Md5(exportedSessionKey[..length], clientToServer ? ClientSealingMagic : ServerSealingMagic);
    }
}
