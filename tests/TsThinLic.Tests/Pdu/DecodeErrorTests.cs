using TsThinLic.Pdu;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class DecodeErrorTests
{
    [Fact]
    public void PrintsKindFieldOffsetAndDetail()
    {
        Assert.Equal(
            "LengthOutOfRange: wBlobLen at offset 42 (declares 300, 12 remain)",
            new DecodeError(DecodeErrorKind.LengthOutOfRange, "wBlobLen", 42, "declares 300, 12 remain").ToString());
        Assert.Equal("Truncated: MACData at offset 22", new DecodeError(DecodeErrorKind.Truncated, "MACData", 22).ToString());
    }

    [Fact]
    public void ABlobErrorNamesItsStructure()
    {
        // ERROR_ALERT whose bbErrorInfo declares 300 bytes.
        byte[] wire = Convert.FromHexString("ff031000" + "07000000" + "02000000" + "0400" + "2c01");
        Assert.False(LicensingPduDecoder.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal("LengthOutOfRange: wBlobLen at offset 14 (bbErrorInfo: declares 300, 0 remain)", error.ToString());
    }
}
