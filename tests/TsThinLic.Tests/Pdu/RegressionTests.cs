using TsThinLic.Pdu;
using Xunit;

namespace TsThinLic.Tests.Pdu;

/// <summary>
/// Hostile inputs kept as named cases. None of these ever crashed the codec (property runs of 400 000 random, random-
/// body and mutated-fixture inputs per category found nothing); they pin down the checks that keep it that way: each
/// length is checked against its maximum and what remains, in 64-bit arithmetic, before anything is sliced or allocated.
/// </summary>
public class RegressionTests
{
    public static TheoryData<string, string, DecodeErrorKind, string, int> Cases => new()
    {
        {
            "keylen near uint.MaxValue must not overflow the remaining-bytes check",
            "01000000" + "01000000" + "01000000" // dwVersion 1, dwSigAlgId, dwKeyAlgId
            + "0600" + "1400" // wPublicKeyBlobType, wPublicKeyBlobLen 20
            + "52534131" + "f0ffffff" + "00000000" + "00000000" + "01000100" // RSA1, keylen 0xFFFFFFF0, bitlen, datalen, pubExp
            + "0800" + "0000", // wSignatureBlobType, wSignatureBlobLen 0
            DecodeErrorKind.LengthOutOfRange, "keylen", 20
        },
        {
            "NumCertBlobs 0x40000000 must not size an array",
            "02000000" + "00000040", // dwVersion 2, NumCertBlobs 2^30
            DecodeErrorKind.LengthOutOfRange, "NumCertBlobs", 4
        },
        {
            "cbCert 0xFFFFFFFF must not be cast to a negative int",
            "02000000" + "01000000" + "ffffffff", // dwVersion 2, NumCertBlobs 1, cbCert -1 as int
            DecodeErrorKind.LengthOutOfRange, "cbCert", 8
        },
    };

    public static TheoryData<string, string, DecodeErrorKind, string, int> PduCases => new()
    {
        {
            "ScopeCount 0xFFFFFFFF must not size an array",
            "0103" + "3c00" // LICENSE_REQUEST v3, wMsgSize 60
            + new string('0', 64) // ServerRandom
            + "00000000" + "00000000" + "00000000" // dwVersion, cbCompanyName 0, cbProductId 0
            + "0d00" + "0000" + "0300" + "0000" // empty KeyExchangeList, empty ServerCertificate
            + "ffffffff", // ScopeCount
            DecodeErrorKind.LengthOutOfRange, "ScopeCount", 56
        },
        {
            "cbCompanyName 0x80000000 must not wrap negative",
            "0103" + "3c00" + new string('0', 64)
            + "00000000" + "00000080" + "00000000" // dwVersion, cbCompanyName 2^31, cbProductId
            + "0d00" + "0000" + "0300" + "0000" + "00000000",
            DecodeErrorKind.LengthOutOfRange, "cbCompanyName", 40
        },
        {
            "a quirk-sized wMsgSize over a body that is 4 bytes short is truncation, not a quirk",
            "8000" + "0000" + "ff03" + "1000" // header, ERROR_ALERT wMsgSize 16 (= whole input: quirk candidate)
            + "07000000" + "02000000", // dwErrorCode, dwStateTransition; bbErrorInfo missing
            DecodeErrorKind.Truncated, "wBlobType", 16
        },
        {
            "0xFF first is ERROR_ALERT, not a security header with every flag",
            "ff" + "ff" + "1000" + "07000000" + "02000000" + "0400" + "0100", // wBlobLen 1 with nothing after it
            DecodeErrorKind.LengthOutOfRange, "wBlobLen", 14
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ServerCertificateCase(string name, string hex, DecodeErrorKind kind, string field, int offset)
    {
        Assert.False(ServerCertificate.TryDecode(Convert.FromHexString(hex), out _, out DecodeError error), name);
        Assert.Equal((kind, field, offset), (error.Kind, error.Field, error.Offset));
    }

    [Theory]
    [MemberData(nameof(PduCases))]
    public void PduCase(string name, string hex, DecodeErrorKind kind, string field, int offset)
    {
        byte[] wire = Convert.FromHexString(hex);
        Assert.False(LicensingPduDecoder.TryDecode(wire, out _, out DecodeError error), name);
        Assert.Equal((kind, field, offset), (error.Kind, error.Field, error.Offset));
        CodecPropertyTests.AssertAcceptedMeansExact(wire);
    }
}
