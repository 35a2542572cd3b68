using TsThinLic.Rdp.Security;
using Xunit;

namespace TsThinLic.Tests.Rdp;

/// <summary>Standard RDP Security keys and ciphers ([MS-RDPBCGR 5.3.5–5.3.7]); the interop proof is the xrdp integration suite.</summary>
public sealed class StandardSecurityTests
{
    private static readonly byte[] s_clientRandom = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 1)).ToArray();
    private static readonly byte[] s_serverRandom = Enumerable.Range(0, 32).Select(i => (byte)(0xF0 - i)).ToArray();

    [Fact]
    public void FipsKeyExpansionMatchesTheSpecExample()
    {
        // [MS-RDPBCGR 5.3.5.2]: 0xD1 0x5E 0xC4 0x7E 0xDA ... expands to 0x51 0x3D 0x11 0x76 0x27 ... before the parity
        // step, which then sets each byte's least significant bit for odd parity.
        byte[] key = new byte[20];
        new byte[] { 0xD1, 0x5E, 0xC4, 0x7E, 0xDA }.CopyTo(key, 0);
        byte[] expanded = FipsSessionKeys.Expand(key);
        byte[] expected = [0x51, 0x3D, 0x11, 0x76, 0x27];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] & 0xFE, expanded[i] & 0xFE);
        }

        Assert.All(expanded, b => Assert.True(System.Numerics.BitOperations.PopCount(b) % 2 == 1));
        Assert.Equal(24, expanded.Length);
    }

    [Theory]
    [InlineData(40, 8)]
    [InlineData(56, 8)]
    [InlineData(128, 16)]
    public void ReducedKeysCarryTheSpecSalt(int bits, int length)
    {
        RdpSessionKeys keys = RdpSessionKeys.Derive(bits, s_clientRandom, s_serverRandom);
        Assert.Equal(length, keys.MacKey.Length);
        Assert.Equal(length, keys.ClientEncryptKey.Length);
        Assert.NotEqual(keys.ClientEncryptKey.ToArray(), keys.ClientDecryptKey.ToArray());
        if (bits == 40)
        {
            Assert.Equal(new byte[] { 0xD1, 0x26, 0x9E }, keys.ClientEncryptKey[..3].ToArray());
        }
        else if (bits == 56)
        {
            Assert.Equal(0xD1, keys.ClientEncryptKey.Span[0]);
        }
    }

    [Theory]
    [InlineData(40)]
    [InlineData(128)]
    public void Rc4RoundTripsAcrossAKeyUpdate(int bits)
    {
        RdpSessionKeys keys = RdpSessionKeys.Derive(bits, s_clientRandom, s_serverRandom);
        StandardSecurityCipher client = StandardSecurityCipher.CreateRc4(keys);
        StandardSecurityCipher server = StandardSecurityCipher.CreateRc4ForServer(keys);
        byte[] data = "licensing comes after this"u8.ToArray();
        for (int i = 0; i < StandardSecurityCipher.KeyUpdateInterval + 2; i++)
        {
            byte[] signature = new byte[8];
            byte[] encrypted = new byte[data.Length];
            client.Encrypt(data, signature, encrypted);
            Assert.True(server.TryDecrypt(encrypted, signature, 0, saltedMac: false, out int length));
            Assert.Equal(data, encrypted[..length]);
        }
    }

    [Fact]
    public void FipsRoundTripsWithPaddingAndRejectsATamperedMac()
    {
        FipsSessionKeys keys = FipsSessionKeys.Derive(s_clientRandom, s_serverRandom);
        StandardSecurityCipher client = StandardSecurityCipher.CreateFips(keys);
        StandardSecurityCipher server = StandardSecurityCipher.CreateFipsForServer(keys);
        foreach (int size in new[] { 1, 8, 13, 64 })
        {
            byte[] data = Enumerable.Range(0, size).Select(i => (byte)i).ToArray();
            int padding = client.GetPaddingLength(size);
            byte[] signature = new byte[8];
            byte[] encrypted = new byte[size + padding];
            client.Encrypt(data, signature, encrypted);
            Assert.True(server.TryDecrypt(encrypted, signature, padding, saltedMac: false, out int length));
            Assert.Equal(data, encrypted[..length]);
        }

        byte[] sig = new byte[8];
        byte[] block = new byte[8];
        client.Encrypt(new byte[8], sig, block);
        sig[0] ^= 1;
        Assert.False(server.TryDecrypt(block, sig, 0, saltedMac: false, out _));
    }
}
