using TsThinLic.Crypto;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// The two session keys that open a captured exchange's encrypted parts ([MS-RDPELE 5.1.3]): the licensing
/// encryption key (RC4) and the MAC salt key. Given by a person on the command line or derived from recorded secrets.
/// </summary>
public sealed class LicensingDecryptionKeys
{
    private readonly byte[] _licensingEncryptionKey;
    private readonly byte[] _macSaltKey;

    public LicensingDecryptionKeys(ReadOnlySpan<byte> licensingEncryptionKey, ReadOnlySpan<byte> macSaltKey)
    {
        if (licensingEncryptionKey.Length != 16 || macSaltKey.Length != 16)
        {
            throw new ArgumentException("The licensing encryption key and the MAC salt key are 16 bytes each.");
        }

        _licensingEncryptionKey = licensingEncryptionKey.ToArray();
        _macSaltKey = macSaltKey.ToArray();
    }

    /// <summary>The keys of a session whose secrets are known.</summary>
    public static LicensingDecryptionKeys From(LicensingSessionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new LicensingDecryptionKeys(keys.LicensingEncryptionKey.Span, keys.MacSaltKey.Span);
    }

    /// <summary>RC4 from a fresh state, as every encrypted licensing field is.</summary>
    public byte[] Decrypt(ReadOnlySpan<byte> encrypted)
    {
        byte[] plain = new byte[encrypted.Length];
        Rc4.Transform(_licensingEncryptionKey, encrypted, plain);
        return plain;
    }

    /// <summary>Whether <paramref name="mac"/> is the MAC of <paramref name="plaintext"/> under the salt key.</summary>
    public bool VerifyMac(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> mac) => LicensingMac.Verify(_macSaltKey, plaintext, mac);
}
