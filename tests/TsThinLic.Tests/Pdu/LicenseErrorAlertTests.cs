using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class LicenseErrorAlertTests
{
    public static TheoryData<string, string, ushort, ushort, byte, ushort> ValidClientVectors => new()
    {
        // name, annotated hex, flags, flagsHi, preamble flags, wBlobType
        {
            "ironrdp_valid_client",
            "8000" + "0000" // TS_SECURITY_HEADER flags SEC_LICENSE_PKT, flagsHi 0
            + "ff" + "03" + "1000" // ERROR_ALERT, v3, wMsgSize 16
            + "07000000" + "02000000" // STATUS_VALID_CLIENT, ST_NO_TRANSITION
            + "0400" + "0000", // bbErrorInfo BB_ERROR_BLOB, wBlobLen 0
            0x0080, 0x0000, 0x03, 0x0004
        },
        {
            "xrdp_0_9_valid_client",
            "8000" + "1000" // flags SEC_LICENSE_PKT, flagsHi 0x0010 (junk)
            + "ff" + "02" + "1000" // ERROR_ALERT, v2, wMsgSize 16
            + "07000000" + "02000000" // STATUS_VALID_CLIENT, ST_NO_TRANSITION
            + "2814" + "0000", // bbErrorInfo wBlobType 0x1428 (junk), wBlobLen 0
            0x0080, 0x0010, 0x02, 0x1428
        },
        {
            "xrdp_0_9_valid_client_mce",
            "8002" + "1000" // flags SEC_LICENSE_PKT|SEC_LICENSE_ENCRYPT_CS, flagsHi 0x0010
            + "ff" + "03" + "1000" // ERROR_ALERT, v3, wMsgSize 16
            + "07000000" + "02000000" // STATUS_VALID_CLIENT, ST_NO_TRANSITION
            + "f399" + "0000", // bbErrorInfo wBlobType 0x99F3 (junk), wBlobLen 0
            0x0280, 0x0010, 0x03, 0x99F3
        },
        {
            "xrdp_0_10_valid_client",
            "8002" + "0000" // flags SEC_LICENSE_PKT|SEC_LICENSE_ENCRYPT_CS, flagsHi 0
            + "ff" + "03" + "1000" // ERROR_ALERT, v3, wMsgSize 16
            + "07000000" + "02000000" // STATUS_VALID_CLIENT, ST_NO_TRANSITION
            + "0400" + "0000", // bbErrorInfo BB_ERROR_BLOB, wBlobLen 0
            0x0280, 0x0000, 0x03, 0x0004
        },
    };

    [Theory]
    [MemberData(nameof(ValidClientVectors))]
    public void DecodesEveryValidClientVariant(string vector, string hex, ushort flags, ushort flagsHi, byte preambleFlags, ushort blobType)
    {
        byte[] wire = Convert.FromHexString(hex);
        Assert.Equal(Vectors.Hex(vector), wire);
        PduTestKit.AssertDecodesEverywhere(wire, pdu =>
        {
            var alert = Assert.IsType<LicenseErrorAlert>(pdu);
            Assert.Equal(new SecurityHeader(flags, flagsHi), alert.SecurityHeader);
            Assert.Equal(preambleFlags, alert.Preamble.Flags);
            Assert.Equal(LicensingErrorCode.ValidClient, alert.ErrorCode);
            Assert.Equal(LicensingStateTransition.NoTransition, alert.StateTransition);
            Assert.True(alert.IsValidClient);
            Assert.Equal(blobType, alert.ErrorInfo.BlobType);
            Assert.True(alert.ErrorInfo.IsEmpty);
        });
        Assert.Equal(wire, PduTestKit.Reencode(PduTestKit.Decode(wire)));
    }

    [Fact]
    public void AcceptsTheIronRdpWMsgSizeButEmitsTheSpecValue()
    {
        byte[] wire = Convert.FromHexString(
            "8000" + "0000" // TS_SECURITY_HEADER
            + "ff" + "03" + "1400" // ERROR_ALERT, v3, wMsgSize 20 (counts the security header)
            + "07000000" + "02000000" + "0400" + "0000");
        Assert.Equal(Vectors.Hex("ironrdp_valid_client_wmsgsize_quirk"), wire);
        var alert = Assert.IsType<LicenseErrorAlert>(PduTestKit.Decode(wire));
        Assert.True(alert.MessageSizeIncludesSecurityHeader);
        Assert.Equal(20, alert.Preamble.MessageSize);
        Assert.Equal(Vectors.Hex("ironrdp_valid_client"), PduTestKit.Reencode(alert));
    }

    [Fact]
    public void BuildsTheClientsAbortAlert()
    {
        var alert = new LicenseErrorAlert(
            new LicensePreamble(LicensingMessageType.ErrorAlert, LicensePreamble.DefaultClientFlags, 0),
            SecurityHeader.LicensePacket,
            LicensingErrorCode.InvalidMac,
            LicensingStateTransition.TotalAbort,
            LicenseBinaryBlob.Empty(BinaryBlobType.Error));
        Assert.Equal(
            Convert.FromHexString("8000" + "0000" + "ff" + "83" + "1000" + "03000000" + "01000000" + "0400" + "0000"),
            alert.ToArray(withSecurityHeader: true));
        Assert.False(alert.IsValidClient);
        Assert.Equal(16, alert.Preamble.MessageSize);
    }

    [Fact]
    public void KeepsAnErrorInfoBlobWithData()
    {
        byte[] wire = Convert.FromHexString("ff031300" + "02000000" + "01000000" + "0400" + "0300" + "414243");
        var alert = Assert.IsType<LicenseErrorAlert>(PduTestKit.Decode(wire));
        Assert.Equal(LicensingErrorCode.NoLicense, alert.ErrorCode);
        Assert.Equal("ABC"u8.ToArray(), alert.ErrorInfo.Data.ToArray());
        Assert.Equal(wire, alert.ToArray());
    }
}
