using TsThinLic.Pdu;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class LicenseErrorMessageTests
{
    private static readonly byte[] s_xrdp = Convert.FromHexString(
        "07000000" // dwErrorCode STATUS_VALID_CLIENT
        + "02000000" // dwStateTransition ST_NO_TRANSITION
        + "2814" + "0000"); // bbErrorInfo: wBlobType 0x1428 (xrdp junk), wBlobLen 0

    [Fact]
    public void DecodesAndReencodesTheXrdpMessage()
    {
        Assert.True(LicenseErrorMessage.TryDecode(s_xrdp, out LicenseErrorMessage? message, out _));
        Assert.True(message.IsValidClient);
        Assert.Equal(0x1428, message.ErrorInfo.BlobType);
        byte[] again = new byte[message.GetEncodedLength()];
        Assert.True(message.TryEncode(again, out int written));
        Assert.Equal(s_xrdp, again[..written]);
        Assert.Contains("STATUS_VALID_CLIENT", message.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ChecksTheBlobLength()
    {
        byte[] wire = [.. s_xrdp];
        wire[10] = 1; // wBlobLen 1, nothing follows
        Assert.False(LicenseErrorMessage.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal((DecodeErrorKind.LengthOutOfRange, "wBlobLen", 10), (error.Kind, error.Field, error.Offset));
        Assert.Contains("bbErrorInfo", error.Detail, StringComparison.Ordinal);
    }
}
