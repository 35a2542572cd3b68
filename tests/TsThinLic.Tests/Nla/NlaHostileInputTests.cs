using System.Buffers.Binary;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Ntlm;
using TsThinLic.Rdp.Tls;
using TsThinLic.Tests.Crypto.Tls;
using Xunit;

namespace TsThinLic.Tests.Nla;

/// <summary>
/// The decoders of bytes from outside added for NLA and the server's verdict: NTLM messages, AV pairs, the Share Control
/// and Set Error Info PDUs, the TLS certificate reader. Every prefix, every length or offset mutated, every bit flipped and
/// random junk gives a typed error or a decoded value, never an exception or an unbounded allocation.
/// </summary>
public sealed class NlaHostileInputTests
{
    private static byte[] Challenge() => new NtlmTestAcceptor("u", "d", "p").CreateChallenge([]);

    [Fact]
    public void EveryPrefixOfAChallengeFailsWithAField()
    {
        byte[] challenge = Challenge();
        for (int length = 0; length < challenge.Length; length++)
        {
            Assert.False(NtlmChallengeMessage.TryDecode(challenge.AsMemory(0, length), out _, out DecodeError error), $"prefix {length}");
            Assert.False(string.IsNullOrEmpty(error.Field));
        }

        Assert.True(NtlmChallengeMessage.TryDecode(challenge, out _, out _));
    }

    [Theory]
    [InlineData(12, "TargetNameLen")] // TargetNameFields.Len
    [InlineData(16, "TargetNameLen")] // TargetNameFields.BufferOffset
    [InlineData(40, "TargetInfoLen")] // TargetInfoFields.Len
    [InlineData(44, "TargetInfoLen")] // TargetInfoFields.BufferOffset
    public void PayloadFieldsPointingOutsideTheMessageAreTypedErrors(int offset, string field)
    {
        foreach (uint value in new uint[] { 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 10000 })
        {
            byte[] challenge = Challenge();
            if (offset is 12 or 40)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(challenge.AsSpan(offset), (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(challenge.AsSpan(offset), value);
            }

            Assert.False(NtlmChallengeMessage.TryDecode(challenge, out _, out DecodeError error));
            Assert.Equal(field, error.Field);
            Assert.Equal(DecodeErrorKind.LengthOutOfRange, error.Kind);
        }
    }

    [Fact]
    public void AvPairsAreBoundedAndMustEnd()
    {
        // AvLen past the end, a list without MsvAvEOL, and more pairs than any server sends.
        Assert.False(NtlmTargetInfo.TryDecode(new byte[] { 0x01, 0x00, 0xFF, 0x00, 0x41, 0x00 }, 0, out _, out DecodeError error));
        Assert.Equal("AvLen", error.Field);
        Assert.False(NtlmTargetInfo.TryDecode(new byte[] { 0x01, 0x00, 0x02, 0x00, 0x41, 0x00 }, 0, out _, out error));
        Assert.Equal("AvId", error.Field);
        byte[] many = new byte[(NtlmTargetInfo.MaxPairs + 1) * 4 + 4];
        for (int i = 0; i <= NtlmTargetInfo.MaxPairs; i++)
        {
            many[i * 4] = 0x01;
        }

        Assert.False(NtlmTargetInfo.TryDecode(many, 0, out _, out error));
        Assert.Equal("AV_PAIR", error.Field);
    }

    [Fact]
    public void EveryBitFlipOfAChallengeAndAnAuthenticateNeverThrows()
    {
        foreach (byte[] message in new[] { Challenge(), Convert.FromHexString(NtlmSpecVectorTests.AuthenticateHex) })
        {
            for (int bit = 0; bit < message.Length * 8; bit++)
            {
                byte[] flipped = (byte[])message.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                NtlmChallengeMessage.TryDecode(flipped, out _, out _);
                NtlmAuthenticateMessage.TryDecode(flipped, out _, out _);
                NtlmNegotiateMessage.TryDecode(flipped, out _, out _);
            }
        }
    }

    [Fact]
    public void RandomJunkNeverThrows()
    {
        var random = new Random(1207);
        for (int i = 0; i < 20000; i++)
        {
            byte[] junk = new byte[random.Next(0, 160)];
            random.NextBytes(junk);
            if (junk.Length >= 12 && random.Next(2) == 0)
            {
                "NTLMSSP\0"u8.CopyTo(junk);
                junk[8] = (byte)random.Next(1, 4);
                junk[9] = junk[10] = junk[11] = 0;
            }

            NtlmChallengeMessage.TryDecode(junk, out _, out _);
            NtlmAuthenticateMessage.TryDecode(junk, out _, out _);
            NtlmNegotiateMessage.TryDecode(junk, out _, out _);
            NtlmTargetInfo.TryDecode(junk, 0, out _, out _);
            ShareControlHeader.TryDecode(junk, 0, out ShareControlHeader header, out _);
            if (junk.Length > ShareControlHeader.Length)
            {
                SetErrorInfoPdu.TryReadDataPdu(junk.AsSpan(ShareControlHeader.Length), 0, out _, out _, out _);
            }

            TlsServerCertificate.TryRead(junk, out _, out _);
        }
    }

    [Fact]
    public void MessagesLargerThanTheLimitAreRefusedWhole()
    {
        byte[] huge = new byte[NtlmWire.MaxMessageLength + 1];
        "NTLMSSP\0"u8.CopyTo(huge);
        huge[8] = 2;
        Assert.False(NtlmChallengeMessage.TryDecode(huge, out _, out DecodeError error));
        Assert.Equal(DecodeErrorKind.LengthOutOfRange, error.Kind);
    }

    [Fact]
    public void ShareControlAndSetErrorInfoDecodeAndRefuseShortData()
    {
        byte[] pdu = SetErrorInfoPdu.Encode(0x000103EA, 0x104);
        Assert.True(ShareControlHeader.TryDecode(pdu, 0, out ShareControlHeader header, out _));
        Assert.Equal(ShareControlHeader.TypeData, header.Type);
        Assert.True(SetErrorInfoPdu.TryReadDataPdu(pdu.AsSpan(ShareControlHeader.Length), 6, out byte type2, out uint? errorInfo, out _));
        Assert.Equal(SetErrorInfoPdu.PduType2SetErrorInfo, type2);
        Assert.Equal(0x104u, errorInfo);

        for (int length = 0; length < pdu.Length; length++)
        {
            // Its totalLength (26) never fits a prefix; and the data part alone, cut short, names what is missing.
            Assert.False(ShareControlHeader.TryDecode(pdu.AsSpan(0, length), 0, out _, out DecodeError error), $"prefix {length}");
            Assert.False(string.IsNullOrEmpty(error.Field));
            if (length > ShareControlHeader.Length)
            {
                Assert.False(SetErrorInfoPdu.TryReadDataPdu(pdu.AsSpan(ShareControlHeader.Length, length - ShareControlHeader.Length), 6, out _, out _, out error));
                Assert.Contains(error.Field, new[] { "shareDataHeader", "errorInfo" });
            }
        }

        // totalLength beyond the data, and a pduType without TS_PROTOCOL_VERSION.
        byte[] longer = (byte[])pdu.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(longer, 500);
        Assert.False(ShareControlHeader.TryDecode(longer, 0, out _, out DecodeError lengthError));
        Assert.Equal("totalLength", lengthError.Field);
        byte[] unversioned = (byte[])pdu.Clone();
        unversioned[2] = 0x07;
        Assert.False(ShareControlHeader.TryDecode(unversioned, 0, out _, out DecodeError typeError));
        Assert.Equal("pduType", typeError.Field);
    }

    [Fact]
    public void TheCertificateReaderRefusesEveryPrefixAndReadsTheWhole()
    {
        byte[] der = BcTlsPeer.CertificateDer;
        for (int length = 0; length < der.Length; length += 7)
        {
            Assert.False(TlsServerCertificate.TryRead(der.AsSpan(0, length), out _, out string? problem));
            Assert.False(string.IsNullOrEmpty(problem));
        }

        TlsServerCertificate certificate = TestServerCertificate.Read();
        Assert.Equal("CN=tsthinlic-test-rdp-server", certificate.Subject);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), certificate.NotBefore);
        Assert.Equal("rsaEncryption", certificate.KeyAlgorithm);
        Assert.Equal(0x30, certificate.SubjectPublicKey[0]); // a DER RSAPublicKey
        Assert.Equal(32, TlsServerCertificate.ParseFingerprint(certificate.Sha256FingerprintText)!.Length);
        Assert.Equal(certificate.Sha256Fingerprint, TlsServerCertificate.ParseFingerprint("SHA256:" + Convert.ToHexString(certificate.Sha256Fingerprint)));
        Assert.Null(TlsServerCertificate.ParseFingerprint("00:11"));
    }
}
