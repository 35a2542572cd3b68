using System.Buffers.Binary;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// AEAD records whose 12-byte nonce is the write IV XOR the 64-bit sequence number, left-padded with zeros: TLS 1.2
/// ChaCha20-Poly1305 [RFC 7905 2] (additional data seq_num + type + version + plaintext length, [RFC 5246 6.2.3.3])
/// and every TLS 1.3 record [RFC 8446 5.2, 5.3] (additional data = the record header: opaque_type 23,
/// legacy_record_version 0x0303, the ciphertext's length; the plaintext is TLSInnerPlaintext = content + real type +
/// zero padding, which the caller unpacks). AES-GCM, ChaCha20-Poly1305 and AES-CCM (16- or 8-byte tag).
/// </summary>
internal sealed class TlsAeadRecordCipher : TlsRecordCipher
{
    /// <summary>iv_length of every AEAD here, and the nonce length [RFC 8446 5.3].</summary>
    public const int NonceLength = 12;

    private const int RecordHeaderLength = 1 /* type */ + 2 /* legacy_record_version */ + 2 /* length */;

    private readonly KeyParameter _key;
    private readonly byte[] _iv;
    private readonly bool _tls13;
    private readonly IAeadCipher _aead;
    private readonly int _tagLength;
    private bool _keyed;

    /// <param name="protection">The bulk cipher (not <see cref="TlsRecordProtection.AesCbc"/>).</param>
    /// <param name="key">The write key.</param>
    /// <param name="iv">The 12-byte write IV.</param>
    /// <param name="tls13">TLS 1.3 record protection (the header as additional data) rather than TLS 1.2's.</param>
    public TlsAeadRecordCipher(TlsRecordProtection protection, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, bool tls13)
    {
        if (iv.Length != NonceLength)
        {
            throw new ArgumentException($"The write IV is {NonceLength} bytes.", nameof(iv));
        }

        _key = new KeyParameter(key);
        _iv = iv.ToArray();
        _tls13 = tls13;
        (_aead, _tagLength) = protection switch
        {
            TlsRecordProtection.AesGcm => ((IAeadCipher)new GcmBlockCipher(new AesEngine()), 16),
            TlsRecordProtection.ChaCha20Poly1305 => (new ChaCha20Poly1305(), 16),
            TlsRecordProtection.AesCcm => (new CcmBlockCipher(new AesEngine()), 16),
            TlsRecordProtection.AesCcm8 => (new CcmBlockCipher(new AesEngine()), 8),
            _ => throw new ArgumentException($"{protection} is not a nonce-XOR AEAD.", nameof(protection)),
        };
    }

    /// <summary>The authentication tag's length.</summary>
    public int TagLength => _tagLength;

    /// <summary>
    /// TLS 1.2: the fragment carrying <paramref name="plaintext"/>. TLS 1.3: the encrypted record's fragment carrying
    /// TLSInnerPlaintext = <paramref name="plaintext"/> + <paramref name="type"/> (no padding), sent as application_data.
    /// </summary>
    public override byte[] Encrypt(ulong sequenceNumber, TlsContentType type, ReadOnlySpan<byte> plaintext)
    {
        byte[] input = _tls13 ? [.. plaintext, (byte)type] : plaintext.ToArray();
        byte[] fragment = new byte[input.Length + _tagLength];
        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        int additionalLength = _tls13
            ? WriteRecordHeader(additionalData, (byte)TlsContentType.ApplicationData, TlsClientSession.Tls12Version, fragment.Length)
            : WriteTls12AdditionalData(additionalData, sequenceNumber, (byte)type, plaintext.Length);
        _aead.Init(true, new AeadParameters(KeyOnce(), _tagLength * 8, Nonce(sequenceNumber)));
        _aead.ProcessAadBytes(additionalData[..additionalLength]);
        int written = _aead.ProcessBytes(input, fragment);
        _aead.DoFinal(fragment.AsSpan(written));
        return fragment;
    }

    public override bool TryDecrypt(ulong sequenceNumber, byte type, int version, ReadOnlySpan<byte> fragment, out byte[] plaintext)
    {
        plaintext = [];
        if (fragment.Length < _tagLength)
        {
            return false;
        }

        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        int additionalLength = _tls13
            ? WriteRecordHeader(additionalData, type, version, fragment.Length)
            : WriteTls12AdditionalData(additionalData, sequenceNumber, type, fragment.Length - _tagLength, version);
        byte[] output = new byte[fragment.Length - _tagLength];
        _aead.Init(false, new AeadParameters(KeyOnce(), _tagLength * 8, Nonce(sequenceNumber)));
        _aead.ProcessAadBytes(additionalData[..additionalLength]);
        try
        {
            int written = _aead.ProcessBytes(fragment, output);
            _aead.DoFinal(output.AsSpan(written));
        }
        catch (InvalidCipherTextException)
        {
            // BouncyCastle reports a tag mismatch by throwing; for the record layer it is bad_record_mac.
            return false;
        }

        plaintext = output;
        return true;
    }

    private static int WriteRecordHeader(Span<byte> destination, byte type, int version, int length)
    {
        destination[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], (ushort)length);
        return RecordHeaderLength;
    }

    private static int WriteTls12AdditionalData(Span<byte> destination, ulong sequenceNumber, byte type, int length, int version = TlsClientSession.Tls12Version)
    {
        WriteAdditionalData(destination, sequenceNumber, type, version, length);
        return AdditionalDataLength;
    }

    // The key goes to the first Init only: BouncyCastle's GCM, CCM and ChaCha20-Poly1305 keep it on a null key, so
    // the AES key schedule and GHASH tables are built once per traffic key, not for every record.
    private KeyParameter? KeyOnce()
    {
        if (_keyed)
        {
            return null;
        }

        _keyed = true;
        return _key;
    }

    // RFC 8446 5.3 / RFC 7905 2: the sequence number, big-endian and left-padded to the IV's length, XOR the IV.
    private byte[] Nonce(ulong sequenceNumber)
    {
        byte[] nonce = (byte[])_iv.Clone();
        for (int i = 0; i < 8; i++)
        {
            nonce[NonceLength - 1 - i] ^= (byte)(sequenceNumber >> (8 * i));
        }

        return nonce;
    }
}
