using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace TsThinLic.Rdp.Security;

/// <summary>
/// [MS-RDPBCGR 5.3.6] Encryption and decryption of Standard RDP Security PDUs after the security exchange: RC4 with
/// the non-salted MAC ([5.3.6.1]; xrdp rejects the salted one) and key updates every 4096 packets ([5.3.7]), or
/// FIPS Triple DES-CBC with HMAC-SHA1 ([5.3.6.2]). Holds the cipher state of one connection, both directions.
/// </summary>
/// <remarks>Every field here is key material: never log it. BouncyCastle errors are mapped here, at the seam.</remarks>
public sealed class StandardSecurityCipher
{
    /// <summary>dataSignature length: 8 bytes in every method.</summary>
    public const int SignatureLength = 8;

    /// <summary>[MS-RDPBCGR 5.3.7] The key changes after this many packets in one direction.</summary>
    public const int KeyUpdateInterval = 4096;

    // [MS-RDPBCGR 2.2.8.1.1.2.1] SEC_ENCRYPT and SEC_SECURE_CHECKSUM.
    private const ushort EncryptFlag = 0x0008;
    private const ushort SecureChecksumFlag = 0x0800;

    private static readonly byte[] s_fipsIv = [0x12, 0x34, 0x56, 0x78, 0x90, 0xAB, 0xCD, 0xEF];

    private readonly int _keyBits;
    private readonly byte[] _macKey;
    private readonly Direction _encrypt;
    private readonly Direction _decrypt;

    private StandardSecurityCipher(bool fips, int keyBits, byte[] macKey, Direction encrypt, Direction decrypt)
    {
        IsFips = fips;
        _keyBits = keyBits;
        _macKey = macKey;
        _encrypt = encrypt;
        _decrypt = decrypt;
    }

    /// <summary>Whether this is the FIPS method (its security header carries length, version and padlen).</summary>
    public bool IsFips { get; }

    /// <summary>Packets encrypted so far (EncryptionCount).</summary>
    public int EncryptionCount => _encrypt.Count;

    /// <summary>Packets decrypted so far.</summary>
    public int DecryptionCount => _decrypt.Count;

    /// <summary>RC4 with 40-, 56- or 128-bit keys.</summary>
    public static StandardSecurityCipher CreateRc4(RdpSessionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new StandardSecurityCipher(false, keys.KeyBits, keys.MacKey.ToArray(), Direction.Rc4(keys.ClientEncryptKey.ToArray(), true), Direction.Rc4(keys.ClientDecryptKey.ToArray(), false));
    }

    /// <summary>The server's side of <see cref="CreateRc4"/> (keys swapped): for tests, emulators and capture decryption.</summary>
    public static StandardSecurityCipher CreateRc4ForServer(RdpSessionKeys keys)
        => new(false, keys.KeyBits, keys.MacKey.ToArray(), Direction.Rc4(keys.ClientDecryptKey.ToArray(), true), Direction.Rc4(keys.ClientEncryptKey.ToArray(), false));

    /// <summary>The server's side of <see cref="CreateFips"/> (keys swapped): for tests, emulators and capture decryption.</summary>
    public static StandardSecurityCipher CreateFipsForServer(FipsSessionKeys keys)
        => new(true, 168, keys.HmacKey.ToArray(), Direction.TripleDes(keys.ClientDecryptKey.ToArray(), true), Direction.TripleDes(keys.ClientEncryptKey.ToArray(), false));

    /// <summary>FIPS: Triple DES-CBC and HMAC-SHA1.</summary>
    public static StandardSecurityCipher CreateFips(FipsSessionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new StandardSecurityCipher(true, 168, keys.HmacKey.ToArray(), Direction.TripleDes(keys.ClientEncryptKey.ToArray(), true), Direction.TripleDes(keys.ClientDecryptKey.ToArray(), false));
    }

    /// <summary>The number of padding bytes FIPS adds to <paramref name="dataLength"/> bytes (0 for RC4).</summary>
    public int GetPaddingLength(int dataLength) => IsFips ? (8 - (dataLength % 8)) % 8 : 0;

    /// <summary>
    /// Signs <paramref name="data"/> into <paramref name="signature"/> and encrypts it into
    /// <paramref name="output"/>, which must hold data plus <see cref="GetPaddingLength"/> bytes.
    /// </summary>
    public void Encrypt(ReadOnlySpan<byte> data, Span<byte> signature, Span<byte> output)
    {
        int padding = GetPaddingLength(data.Length);
        if (output.Length != data.Length + padding || signature.Length != SignatureLength)
        {
            throw new ArgumentException("Output or signature buffer has the wrong length.");
        }

        // The probe sends the unsalted MAC (no SEC_SECURE_CHECKSUM): xrdp rejects salted ones.
        Sign(data, IsFips ? _encrypt.Count : -1, signature);
        data.CopyTo(output);
        output[data.Length..].Clear();
        _encrypt.Transform(output, _keyBits);
    }

    /// <summary>
    /// Decrypts <paramref name="encrypted"/> in place and checks its signature; FIPS padding is removed from the
    /// returned length. False (never an exception) when the length or the MAC is wrong.
    /// </summary>
    public bool TryDecrypt(Span<byte> encrypted, ReadOnlySpan<byte> signature, int fipsPadding, bool saltedMac, out int dataLength)
    {
        dataLength = 0;
        if (signature.Length != SignatureLength || (IsFips && (encrypted.Length % 8 != 0 || fipsPadding is < 0 or > 7 || fipsPadding > encrypted.Length)))
        {
            return false;
        }

        int count = _decrypt.Count;
        _decrypt.Transform(encrypted, _keyBits);
        int length = encrypted.Length - (IsFips ? fipsPadding : 0);
        Span<byte> expected = stackalloc byte[SignatureLength];
        Sign(encrypted[..length], saltedMac || IsFips ? count : -1, expected);
        dataLength = length;
        return CryptographicOperations.FixedTimeEquals(expected, signature);
    }

    /// <summary>
    /// Opens the user data of an encrypted slow-path PDU ([MS-RDPBCGR 2.2.8.1.1.2.2] non-FIPS: flags, flagsHi,
    /// dataSignature; [2.2.8.1.1.2.3] FIPS: flags, flagsHi, length, version, padlen, dataSignature; then the
    /// ciphertext), salted when SEC_SECURE_CHECKSUM says so. <paramref name="payload"/> is the basic security header
    /// with SEC_ENCRYPT cleared, then the cleartext. False when the PDU is too short (payload empty) or the MAC does
    /// not verify (payload then holds what the bytes decrypted to, for a report; the cipher state has moved on either way).
    /// </summary>
    public bool TryOpen(ReadOnlySpan<byte> data, out byte[] payload)
    {
        payload = [];
        int headerLength = IsFips ? 4 + 2 + 1 + 1 + SignatureLength : 4 + SignatureLength;
        if (data.Length < headerLength)
        {
            return false;
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(data);
        int padding = IsFips ? data[7] : 0;
        ReadOnlySpan<byte> signature = data.Slice(headerLength - SignatureLength, SignatureLength);
        byte[] body = data[headerLength..].ToArray();
        bool valid = TryDecrypt(body, signature, padding, (flags & SecureChecksumFlag) != 0, out int length);
        payload = new byte[4 + length];
        BinaryPrimitives.WriteUInt16LittleEndian(payload, (ushort)(flags & ~EncryptFlag));
        payload[2] = data[2];
        payload[3] = data[3];
        body.AsSpan(0, length).CopyTo(payload.AsSpan(4));
        return valid;
    }

    /// <summary>
    /// Opens an encrypted fast-path PDU's body, the bytes after fpOutputHeader/fpInputHeader and its length
    /// ([MS-RDPBCGR 2.2.9.1.2], [2.2.8.1.2]): fipsInformation (FIPS: length, version, padlen), dataSignature, then
    /// the ciphertext. Same contract as <see cref="TryOpen"/>, with <paramref name="plaintext"/> the data alone.
    /// </summary>
    public bool TryOpenFastPath(ReadOnlySpan<byte> body, bool saltedMac, out byte[] plaintext)
    {
        plaintext = [];
        int headerLength = IsFips ? 4 + SignatureLength : SignatureLength;
        if (body.Length < headerLength)
        {
            return false;
        }

        int padding = IsFips ? body[3] : 0;
        byte[] data = body[headerLength..].ToArray();
        bool valid = TryDecrypt(data, body.Slice(headerLength - SignatureLength, SignatureLength), padding, saltedMac, out int length);
        plaintext = data[..length];
        return valid;
    }

    private void Sign(ReadOnlySpan<byte> data, int count, Span<byte> signature)
    {
        Span<byte> counter = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(counter, count);
        if (IsFips)
        {
            // [MS-RDPBCGR 5.3.6.2] MACSignature = First64Bits(HMAC(HMACKey, Data + EncryptionCount))
            var hmac = new HMac(new Sha1Digest());
            hmac.Init(new KeyParameter(_macKey));
            hmac.BlockUpdate(data);
            hmac.BlockUpdate(counter);
            Span<byte> full = stackalloc byte[20];
            hmac.DoFinal(full);
            full[..SignatureLength].CopyTo(signature);
            return;
        }

        // [MS-RDPBCGR 5.3.6.1] MACSignature = First64Bits(MD5(MACKeyN + Pad2 + SHA(MACKeyN + Pad1 + DataLength + Data)));
        // the salted variant ([5.3.6.1.1]) appends the encryption count after Data. The probe only sends unsalted.
        Span<byte> pad = stackalloc byte[48];
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, data.Length);
        Span<byte> sha = stackalloc byte[20];
        var sha1 = new Sha1Digest();
        sha1.BlockUpdate(_macKey);
        pad[..40].Fill(0x36);
        sha1.BlockUpdate(pad[..40]);
        sha1.BlockUpdate(length);
        sha1.BlockUpdate(data);
        if (count >= 0)
        {
            sha1.BlockUpdate(counter);
        }

        sha1.DoFinal(sha);
        Span<byte> md5Hash = stackalloc byte[16];
        var md5 = new MD5Digest();
        md5.BlockUpdate(_macKey);
        pad.Fill(0x5C);
        md5.BlockUpdate(pad);
        md5.BlockUpdate(sha);
        md5.DoFinal(md5Hash);
        md5Hash[..SignatureLength].CopyTo(signature);
    }

    private sealed class Direction
    {
        private readonly byte[] _initialKey;
        private byte[] _currentKey;
        private RC4Engine? _rc4;
        private readonly IBlockCipher? _des;

        private Direction(byte[] key, RC4Engine? rc4, IBlockCipher? des)
        {
            _initialKey = key;
            _currentKey = key;
            _rc4 = rc4;
            _des = des;
        }

        public int Count { get; private set; }

        public static Direction Rc4(byte[] key, bool forEncryption)
        {
            var rc4 = new RC4Engine();
            rc4.Init(forEncryption, new KeyParameter(key));
            return new Direction(key, rc4, null);
        }

        public static Direction TripleDes(byte[] key, bool forEncryption)
        {
            // One CBC chain per direction for the whole connection: the IV is used once, at the start.
            var cbc = new CbcBlockCipher(new DesEdeEngine());
            cbc.Init(forEncryption, new ParametersWithIV(new DesEdeParameters(key), s_fipsIv));
            return new Direction(key, null, cbc);
        }

        public void Transform(Span<byte> buffer, int keyBits)
        {
            if (_des is not null)
            {
                for (int offset = 0; offset < buffer.Length; offset += 8)
                {
                    _des.ProcessBlock(buffer.Slice(offset, 8), buffer.Slice(offset, 8));
                }
            }
            else
            {
                if (Count > 0 && Count % KeyUpdateInterval == 0)
                {
                    // [MS-RDPBCGR 5.3.7.1]: a new key from the initial and current ones, and a fresh RC4 state.
                    _currentKey = RdpSessionKeys.UpdateKey(_initialKey, _currentKey, keyBits);
                    _rc4 = new RC4Engine();
                    _rc4.Init(true, new KeyParameter(_currentKey));
                }

                byte[] copy = buffer.ToArray();
                _rc4!.ProcessBytes(copy, 0, copy.Length, copy, 0);
                copy.CopyTo(buffer);
            }

            Count++;
        }
    }
}
