using System.Text;
using CsCheck;
using TsThinLic.Emulator;
using TsThinLic.Rdp.Security;
using TsThinLic.Tests.Replay.Decryption;
using Xunit;

namespace TsThinLic.Tests.Rdp;

/// <summary>
/// Server keys as people have them: xrdp's rsakeys.ini (the one make-captures.sh kept), the same key written as PEM
/// by python3-cryptography (OpenSSL), PKCS#1 and PKCS#8; damaged, encrypted or foreign files are refused with a reason.
/// </summary>
public sealed class RsaPrivateKeyFileTests
{
    [Fact]
    public void XrdpsKeyReadsTheSameFromRsaKeysIniPkcs1AndPkcs8()
    {
        RsaPrivateKey[] keys = KeyedCaptures.XrdpKeyFiles.Select(f => Parse(File.ReadAllBytes(KeyedCaptures.Path(f)))).ToArray();

        Assert.All(keys, k => Assert.Equal(256, k.ModulusLength));
        Assert.All(keys, k => Assert.Equal(keys[0].PublicKey.ModulusLittleEndian.ToArray(), k.PublicKey.ModulusLittleEndian.ToArray()));
        Assert.All(keys, k => Assert.Equal(65537UL, k.PublicKey.PublicExponent));
    }

    [Fact]
    public void ThePemKeyReadsAsDerToo()
    {
        string pem = File.ReadAllText(KeyedCaptures.Path("xrdp-rsakeys.pkcs8.pem"));
        byte[] der = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));

        Assert.Equal(256, Parse(der).ModulusLength);
    }

    [Fact]
    public void WhatWriteRsaKeysIniWritesReadsBack()
    {
        RsaPrivateKey key = Parse(Encoding.ASCII.GetBytes(RsaPrivateKeyFile.WriteRsaKeysIni(EmulatorKeys.Rsa512)));

        Assert.Equal(EmulatorKeys.Rsa512.PublicKey.ModulusLittleEndian.ToArray(), key.PublicKey.ModulusLittleEndian.ToArray());
    }

    [Theory]
    [InlineData("", "neither")]
    [InlineData("[keys]\npub_exp=0x01,0x00,0x01,0x00\n", "no pub_mod")]
    [InlineData("[keys]\npub_mod=0xzz\npub_exp=0x01\npri_exp=0x01\n", "'0xzz' in pub_mod is not a byte")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n", "not Base64")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMAA=\n", "no END line")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n", "a certificate or a public key cannot decrypt")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n", "PKCS#8")]
    public void AFileThatIsNoUsableKeyIsRefusedWithAReason(string text, string reason)
    {
        Assert.False(RsaPrivateKeyFile.TryParse(Encoding.ASCII.GetBytes(text), out _, out string error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEcKeyIsRefused()
    {
        // PKCS#8 with id-ecPublicKey (1.2.840.10045.2.1) instead of rsaEncryption.
        byte[] der = Convert.FromHexString("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420" + new string('1', 64));

        Assert.False(RsaPrivateKeyFile.TryParse(der, out _, out string error));
        Assert.Contains("not rsaEncryption", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryFlippedBitOfThePrivateExponentIsRefusedByTheRoundTrip()
    {
        string ini = File.ReadAllText(KeyedCaptures.Path("xrdp-rsakeys.ini"));
        int start = ini.IndexOf("pri_exp=", StringComparison.Ordinal) + "pri_exp=".Length;
        Gen.Int[0, 255].Select(Gen.Int[0, 7]).Sample((item, bit) =>
        {
            // Flip one bit of one byte of d (its "0xNN" item), keeping the file well formed.
            string[] items = ini[start..].Split('\n')[0].Split(',');
            byte value = Convert.ToByte(items[item][2..], 16);
            items[item] = $"0x{(byte)(value ^ (1 << bit)):x2}";
            string damaged = ini[..start] + string.Join(",", items) + ini[(start + ini[start..].IndexOf('\n', StringComparison.Ordinal))..];
            Assert.False(RsaPrivateKeyFile.TryParse(Encoding.ASCII.GetBytes(damaged), out _, out string error));
            Assert.Contains("does not invert", error, StringComparison.Ordinal);
        }, iter: 40);
    }

    [Fact]
    public void ArbitraryBytesNeverThrow()
    {
        byte[] pem = File.ReadAllBytes(KeyedCaptures.Path("xrdp-rsakeys.pkcs8.pem"));
        Gen.Byte.Array[0, 600].Sample(bytes => { _ = RsaPrivateKeyFile.TryParse(bytes, out _, out _); }, iter: 1000);
        Gen.Int[0, pem.Length - 1].Select(Gen.Int[0, 7]).Sample((index, bit) =>
        {
            byte[] copy = (byte[])pem.Clone();
            copy[index] ^= (byte)(1 << bit);
            _ = RsaPrivateKeyFile.TryParse(copy, out _, out _);
        }, iter: 300);
    }

    private static RsaPrivateKey Parse(byte[] bytes)
    {
        Assert.True(RsaPrivateKeyFile.TryParse(bytes, out RsaPrivateKey? key, out string error), error);
        return key!;
    }
}
