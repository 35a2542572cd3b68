using TsThinLic.Pdu;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class SecurityHeaderTests
{
    [Fact]
    public void ReadsItsFlags()
    {
        Assert.True(SecurityHeader.LicensePacket.IsLicensePacket);
        Assert.False(SecurityHeader.LicensePacket.IsEncrypted);
        Assert.True(new SecurityHeader(0x0088, 0).IsEncrypted);
        Assert.Equal(new SecurityHeader(0x0080, 0), SecurityHeader.LicensePacket);
    }

    [Fact]
    public void AnEncryptedLicensingPduIsReportedNotDecoded()
    {
        byte[] wire = Convert.FromHexString("8800" + "0000" + "0102030405060708" + "ff031000"); // SEC_LICENSE_PKT|SEC_ENCRYPT, dataSignature, ...
        Assert.False(LicensingPduDecoder.TryDecode(wire, out _, out DecodeError error));
        Assert.Equal((DecodeErrorKind.Encrypted, "flags", 0), (error.Kind, error.Field, error.Offset));
    }
}
