using System.Buffers.Binary;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5288 3] AES-GCM records: GenericAEADCipher = nonce_explicit (8) + AEAD-Encrypt(key, salt + nonce_explicit,
/// plaintext, additional_data) with a 16-byte tag. The explicit nonce is the sequence number, which never repeats
/// under one key (RFC 5288 3 allows any unique value).
/// </summary>
internal sealed class TlsGcmRecordCipher : TlsRecordCipher
{
    /// <summary>The implicit part of the nonce, from client_write_IV / server_write_IV.</summary>
    public const int SaltLength = 4;

    public const int ExplicitNonceLength = 8;

    public const int TagLength = 16;

    private readonly KeyParameter _key;
    private readonly byte[] _salt;
    private readonly GcmBlockCipher _gcm = new(new AesEngine());
    private bool _keyed;

    public TlsGcmRecordCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        _key = new KeyParameter(key);
        _salt = salt.ToArray();
    }

    public override byte[] Encrypt(ulong sequenceNumber, TlsContentType type, ReadOnlySpan<byte> plaintext)
    {
        byte[] fragment = new byte[ExplicitNonceLength + plaintext.Length + TagLength];
        BinaryPrimitives.WriteUInt64BigEndian(fragment, sequenceNumber);
        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        WriteAdditionalData(additionalData, sequenceNumber, (byte)type, TlsClientSession.Tls12Version, plaintext.Length);
        Seal(_gcm, KeyOnce(), Nonce(fragment.AsSpan(0, ExplicitNonceLength)), additionalData, plaintext, fragment.AsSpan(ExplicitNonceLength));
        return fragment;
    }

    public override bool TryDecrypt(ulong sequenceNumber, byte type, int version, ReadOnlySpan<byte> fragment, out byte[] plaintext)
    {
        plaintext = [];
        if (fragment.Length < ExplicitNonceLength + TagLength)
        {
            return false;
        }

        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        WriteAdditionalData(additionalData, sequenceNumber, type, version, fragment.Length - ExplicitNonceLength - TagLength);
        byte[] output = new byte[fragment.Length - ExplicitNonceLength - TagLength];
        if (!TryOpen(_gcm, KeyOnce(), Nonce(fragment[..ExplicitNonceLength]), additionalData, fragment[ExplicitNonceLength..], output))
        {
            return false;
        }

        plaintext = output;
        return true;
    }

    /// <summary>AES-GCM encryption with a 128-bit tag: <paramref name="output"/> = ciphertext + tag; a null <paramref name="key"/> keeps the previous one.</summary>
    internal static void Seal(GcmBlockCipher gcm, KeyParameter? key, byte[] nonce, ReadOnlySpan<byte> additionalData, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        gcm.Init(true, new AeadParameters(key, TagLength * 8, nonce));
        gcm.ProcessAadBytes(additionalData);
        int written = gcm.ProcessBytes(plaintext, output);
        gcm.DoFinal(output[written..]);
    }

    /// <summary>AES-GCM decryption of ciphertext + tag; false when the tag does not match; a null <paramref name="key"/> keeps the previous one.</summary>
    internal static bool TryOpen(GcmBlockCipher gcm, KeyParameter? key, byte[] nonce, ReadOnlySpan<byte> additionalData, ReadOnlySpan<byte> sealedData, Span<byte> plaintext)
    {
        gcm.Init(false, new AeadParameters(key, TagLength * 8, nonce));
        gcm.ProcessAadBytes(additionalData);
        try
        {
            int written = gcm.ProcessBytes(sealedData, plaintext);
            gcm.DoFinal(plaintext[written..]);
            return true;
        }
        catch (InvalidCipherTextException)
        {
            // BouncyCastle reports a tag mismatch by throwing; the record layer answers bad_record_mac.
            return false;
        }
    }

    // The key goes to the first Init only: a null key keeps BouncyCastle's AES key schedule and GHASH tables, which
    // it would otherwise rebuild (and allocate) for every record.
    private KeyParameter? KeyOnce()
    {
        if (_keyed)
        {
            return null;
        }

        _keyed = true;
        return _key;
    }

    private byte[] Nonce(ReadOnlySpan<byte> explicitNonce)
    {
        byte[] nonce = new byte[SaltLength + ExplicitNonceLength];
        _salt.CopyTo(nonce, 0);
        explicitNonce.CopyTo(nonce.AsSpan(SaltLength));
        return nonce;
    }
}
