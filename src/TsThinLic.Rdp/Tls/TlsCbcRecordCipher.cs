using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// [RFC 5246 6.2.3.2] AES-CBC records with HMAC-SHA1 (MAC-then-encrypt): GenericBlockCipher = IV (explicit, one
/// block) + CBC(content + MAC + padding + padding_length). The MAC covers seq_num + type + version + length +
/// content [RFC 5246 6.2.3.1].
/// </summary>
/// <remarks>
/// Decryption checks padding and MAC without an early exit, and hashes as many bytes whatever the padding length,
/// so its timing says little about which check failed (the Lucky Thirteen concern RFC 5246 6.2.3.2 notes).
/// </remarks>
internal sealed class TlsCbcRecordCipher : TlsRecordCipher
{
    /// <summary>HMAC-SHA1 output and key length.</summary>
    public const int MacLength = 20;

    public const int BlockLength = 16;

    /// <summary>Smallest encrypted part: MAC + padding_length, rounded up to whole blocks.</summary>
    private const int MinimumEncryptedLength = (MacLength + 1 + BlockLength - 1) / BlockLength * BlockLength;

    private readonly KeyParameter _key;
    private readonly HMac _mac;
    private readonly Sha1Digest _balance = new();
    private readonly CbcBlockCipher _cbc = new(new AesEngine());
    private readonly IRandomSource _random;

    public TlsCbcRecordCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> macKey, IRandomSource random)
    {
        _key = new KeyParameter(key);
        _mac = new HMac(new Sha1Digest());
        _mac.Init(new KeyParameter(macKey));
        _random = random;
    }

    public override byte[] Encrypt(ulong sequenceNumber, TlsContentType type, ReadOnlySpan<byte> plaintext)
    {
        // Shortest padding that fills the last block; every padding byte holds padding_length.
        int paddingLength = (BlockLength - ((plaintext.Length + MacLength + 1) % BlockLength)) % BlockLength;
        int encryptedLength = plaintext.Length + MacLength + paddingLength + 1;
        byte[] block = new byte[encryptedLength];
        plaintext.CopyTo(block);
        ComputeMac(sequenceNumber, (byte)type, TlsClientSession.Tls12Version, plaintext, block.AsSpan(plaintext.Length, MacLength));
        block.AsSpan(plaintext.Length + MacLength).Fill((byte)paddingLength);

        // RFC 5246 6.2.3.2: the IV SHOULD be chosen at random and MUST be unpredictable.
        byte[] fragment = new byte[BlockLength + encryptedLength];
        _random.GetBytes(fragment.AsSpan(0, BlockLength));
        _cbc.Init(true, new ParametersWithIV(_key, fragment, 0, BlockLength));
        for (int offset = 0; offset < encryptedLength; offset += BlockLength)
        {
            _cbc.ProcessBlock(block.AsSpan(offset, BlockLength), fragment.AsSpan(BlockLength + offset, BlockLength));
        }

        return fragment;
    }

    public override bool TryDecrypt(ulong sequenceNumber, byte type, int version, ReadOnlySpan<byte> fragment, out byte[] plaintext)
    {
        plaintext = [];
        int encryptedLength = fragment.Length - BlockLength;
        if (encryptedLength < MinimumEncryptedLength || encryptedLength % BlockLength != 0)
        {
            return false;
        }

        byte[] decrypted = new byte[encryptedLength];
        _cbc.Init(false, new ParametersWithIV(_key, fragment[..BlockLength]));
        for (int offset = 0; offset < encryptedLength; offset += BlockLength)
        {
            _cbc.ProcessBlock(fragment.Slice(BlockLength + offset, BlockLength), decrypted.AsSpan(offset, BlockLength));
        }

        // Padding: padding_length + 1 bytes, each equal to padding_length, and room left for the MAC. Every byte of
        // the largest possible padding is looked at; a mismatch only clears a flag.
        int paddingLength = decrypted[^1];
        int good = paddingLength + 1 + MacLength <= encryptedLength ? 1 : 0;
        int window = Math.Min(256, encryptedLength);
        int mismatch = 0;
        for (int i = 0; i < window; i++)
        {
            int inPadding = (i - paddingLength - 1) >> 31; // -1 (all ones) while i <= paddingLength
            mismatch |= (decrypted[encryptedLength - 1 - i] ^ paddingLength) & inPadding;
        }

        good &= mismatch == 0 ? 1 : 0;
        if (good == 0)
        {
            // Go on as if there were no padding, so the MAC is computed (and fails) either way.
            paddingLength = 0;
        }

        int contentLength = encryptedLength - paddingLength - 1 - MacLength;
        Span<byte> expected = stackalloc byte[MacLength];
        ComputeMac(sequenceNumber, type, version, decrypted.AsSpan(0, contentLength), expected);

        // Balance the hashing: the MAC covered contentLength bytes; hash the rest of the record too, so the work
        // does not depend on the padding length.
        _balance.BlockUpdate(decrypted.AsSpan(contentLength, paddingLength + 1));
        _balance.Reset();

        bool macMatches = CryptographicOperations.FixedTimeEquals(expected, decrypted.AsSpan(contentLength, MacLength));
        if ((good & (macMatches ? 1 : 0)) == 0)
        {
            return false;
        }

        plaintext = decrypted[..contentLength];
        return true;
    }

    private void ComputeMac(ulong sequenceNumber, byte type, int version, ReadOnlySpan<byte> content, Span<byte> destination)
    {
        Span<byte> header = stackalloc byte[AdditionalDataLength];
        WriteAdditionalData(header, sequenceNumber, type, version, content.Length);
        _mac.BlockUpdate(header);
        _mac.BlockUpdate(content);
        _mac.DoFinal(destination);
    }
}
