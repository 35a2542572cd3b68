using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 6.2.3.2] AES-CBC records with an HMAC (SHA-1, SHA-256 or SHA-384 by the suite): GenericBlockCipher = IV
/// (explicit, one block) + CBC(content + MAC + padding + padding_length), the MAC over seq_num + type + version +
/// length + content [RFC 5246 6.2.3.1]. With encrypt_then_mac [RFC 7366 3] the MAC follows the ciphertext instead
/// and covers seq_num + type + version + length(IV + ciphertext) + IV + ciphertext; the probe never asks for it, a
/// captured OpenSSL connection usually has it.
/// </summary>
/// <remarks>
/// MAC-then-encrypt decryption checks padding and MAC without an early exit, and hashes as many bytes whatever the
/// padding length, so its timing says little about which check failed (the Lucky Thirteen concern RFC 5246 6.2.3.2
/// notes). Encrypt-then-MAC checks the MAC before decrypting anything.
/// </remarks>
internal sealed class TlsCbcRecordCipher : TlsRecordCipher
{
    /// <summary>HMAC-SHA1 output and key length, the MAC of the *_CBC_SHA suites.</summary>
    public const int MacLength = 20;

    public const int BlockLength = 16;

    private readonly KeyParameter _key;
    private readonly HMac _mac;
    private readonly int _macLength;
    private readonly IDigest _balance;
    private readonly bool _encryptThenMac;
    private readonly CbcBlockCipher _cbc = new(new AesEngine());
    private readonly IRandomSource? _random;

    /// <summary>HMAC-SHA1, MAC-then-encrypt: what the probe negotiates.</summary>
    public TlsCbcRecordCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> macKey, IRandomSource? random)
        : this(key, macKey, macKey.Length, encryptThenMac: false, random)
    {
    }

    /// <param name="key">client_write_key or server_write_key.</param>
    /// <param name="macKey">The MAC key; its length (20, 32, 48) picks HMAC-SHA1, -SHA256 or -SHA384.</param>
    /// <param name="macLength">The MAC's length: the MAC key's for every TLS 1.2 suite.</param>
    /// <param name="encryptThenMac">The peers agreed to encrypt_then_mac [RFC 7366].</param>
    /// <param name="random">The CBC IVs of <see cref="Encrypt"/>; null for a decrypt-only cipher (replay).</param>
    public TlsCbcRecordCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> macKey, int macLength, bool encryptThenMac, IRandomSource? random)
    {
        _key = new KeyParameter(key);
        _macLength = macLength;
        _mac = new HMac(CreateDigest(macLength));
        _mac.Init(new KeyParameter(macKey));
        _balance = CreateDigest(macLength);
        _encryptThenMac = encryptThenMac;
        _random = random;
    }

    /// <summary>Smallest encrypted part with MAC-then-encrypt: MAC + padding_length, rounded up to whole blocks.</summary>
    private int MinimumEncryptedLength => (_macLength + 1 + BlockLength - 1) / BlockLength * BlockLength;

    public override byte[] Encrypt(ulong sequenceNumber, TlsContentType type, ReadOnlySpan<byte> plaintext)
    {
        if (_random is null)
        {
            throw new InvalidOperationException("This record cipher was made for decryption only.");
        }

        // Shortest padding that fills the last block; every padding byte holds padding_length.
        int macInside = _encryptThenMac ? 0 : _macLength;
        int paddingLength = (BlockLength - ((plaintext.Length + macInside + 1) % BlockLength)) % BlockLength;
        int encryptedLength = plaintext.Length + macInside + paddingLength + 1;
        byte[] block = new byte[encryptedLength];
        plaintext.CopyTo(block);
        if (!_encryptThenMac)
        {
            ComputeMac(sequenceNumber, (byte)type, TlsClientSession.Tls12Version, plaintext, block.AsSpan(plaintext.Length, _macLength));
        }

        block.AsSpan(plaintext.Length + macInside).Fill((byte)paddingLength);

        // RFC 5246 6.2.3.2: the IV SHOULD be chosen at random and MUST be unpredictable.
        byte[] fragment = new byte[BlockLength + encryptedLength + (_encryptThenMac ? _macLength : 0)];
        _random.GetBytes(fragment.AsSpan(0, BlockLength));
        _cbc.Init(true, new ParametersWithIV(_key, fragment, 0, BlockLength));
        for (int offset = 0; offset < encryptedLength; offset += BlockLength)
        {
            _cbc.ProcessBlock(block.AsSpan(offset, BlockLength), fragment.AsSpan(BlockLength + offset, BlockLength));
        }

        if (_encryptThenMac)
        {
            // RFC 7366 3: MAC(MAC_write_key, seq_num + type + version + length + IV + ENC(content + padding + padding_length)).
            int protectedLength = BlockLength + encryptedLength;
            ComputeMac(sequenceNumber, (byte)type, TlsClientSession.Tls12Version, fragment.AsSpan(0, protectedLength), fragment.AsSpan(protectedLength, _macLength));
        }

        return fragment;
    }

    public override bool TryDecrypt(ulong sequenceNumber, byte type, int version, ReadOnlySpan<byte> fragment, out byte[] plaintext)
        => _encryptThenMac
            ? TryDecryptEncryptThenMac(sequenceNumber, type, version, fragment, out plaintext)
            : TryDecryptMacThenEncrypt(sequenceNumber, type, version, fragment, out plaintext);

    private bool TryDecryptMacThenEncrypt(ulong sequenceNumber, byte type, int version, ReadOnlySpan<byte> fragment, out byte[] plaintext)
    {
        plaintext = [];
        int encryptedLength = fragment.Length - BlockLength;
        if (encryptedLength < MinimumEncryptedLength || encryptedLength % BlockLength != 0)
        {
            return false;
        }

        byte[] decrypted = DecryptBlocks(fragment[..BlockLength], fragment[BlockLength..]);

        // Padding: padding_length + 1 bytes, each equal to padding_length, and room left for the MAC. Every byte of
        // the largest possible padding is looked at; a mismatch only clears a flag.
        int paddingLength = decrypted[^1];
        int good = paddingLength + 1 + _macLength <= encryptedLength ? 1 : 0;
        good &= PaddingMismatch(decrypted, paddingLength) == 0 ? 1 : 0;
        if (good == 0)
        {
            // Go on as if there were no padding, so the MAC is computed (and fails) either way.
            paddingLength = 0;
        }

        int contentLength = encryptedLength - paddingLength - 1 - _macLength;
        Span<byte> expected = stackalloc byte[_macLength];
        ComputeMac(sequenceNumber, type, version, decrypted.AsSpan(0, contentLength), expected);

        // Balance the hashing: the MAC covered contentLength bytes; hash the rest of the record too, so the work
        // does not depend on the padding length.
        _balance.BlockUpdate(decrypted.AsSpan(contentLength, paddingLength + 1));
        _balance.Reset();

        bool macMatches = CryptographicOperations.FixedTimeEquals(expected, decrypted.AsSpan(contentLength, _macLength));
        if ((good & (macMatches ? 1 : 0)) == 0)
        {
            return false;
        }

        plaintext = decrypted[..contentLength];
        return true;
    }

    private bool TryDecryptEncryptThenMac(ulong sequenceNumber, byte type, int version, ReadOnlySpan<byte> fragment, out byte[] plaintext)
    {
        plaintext = [];
        int encryptedLength = fragment.Length - BlockLength - _macLength;
        if (encryptedLength < BlockLength || encryptedLength % BlockLength != 0)
        {
            return false;
        }

        // RFC 7366 3: the MAC is checked first; nothing is decrypted for a record that does not authenticate.
        ReadOnlySpan<byte> protectedPart = fragment[..(BlockLength + encryptedLength)];
        Span<byte> expected = stackalloc byte[_macLength];
        ComputeMac(sequenceNumber, type, version, protectedPart, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, fragment[(BlockLength + encryptedLength)..]))
        {
            return false;
        }

        byte[] decrypted = DecryptBlocks(fragment[..BlockLength], protectedPart[BlockLength..]);
        int paddingLength = decrypted[^1];
        if (paddingLength + 1 > encryptedLength || PaddingMismatch(decrypted, paddingLength) != 0)
        {
            return false;
        }

        plaintext = decrypted[..(encryptedLength - paddingLength - 1)];
        return true;
    }

    private byte[] DecryptBlocks(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        byte[] decrypted = new byte[ciphertext.Length];
        _cbc.Init(false, new ParametersWithIV(_key, iv));
        for (int offset = 0; offset < ciphertext.Length; offset += BlockLength)
        {
            _cbc.ProcessBlock(ciphertext.Slice(offset, BlockLength), decrypted.AsSpan(offset, BlockLength));
        }

        return decrypted;
    }

    // Non-zero when a byte of the padding (the last padding_length + 1 bytes) differs from padding_length; looks at
    // as many bytes whatever the padding length.
    private static int PaddingMismatch(byte[] decrypted, int paddingLength)
    {
        int window = Math.Min(256, decrypted.Length);
        int mismatch = 0;
        for (int i = 0; i < window; i++)
        {
            int inPadding = (i - paddingLength - 1) >> 31; // -1 (all ones) while i <= paddingLength
            mismatch |= (decrypted[decrypted.Length - 1 - i] ^ paddingLength) & inPadding;
        }

        return mismatch;
    }

    private void ComputeMac(ulong sequenceNumber, byte type, int version, ReadOnlySpan<byte> content, Span<byte> destination)
    {
        Span<byte> header = stackalloc byte[AdditionalDataLength];
        WriteAdditionalData(header, sequenceNumber, type, version, content.Length);
        _mac.BlockUpdate(header);
        _mac.BlockUpdate(content);
        _mac.DoFinal(destination);
    }

    private static IDigest CreateDigest(int macLength) => macLength switch
    {
        MacLength => new Sha1Digest(),
        32 => new Sha256Digest(),
        48 => new Sha384Digest(),
        _ => throw new ArgumentException($"No TLS HMAC is {macLength} bytes long.", nameof(macLength)),
    };
}
