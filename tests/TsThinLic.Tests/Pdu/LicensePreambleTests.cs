using TsThinLic.Pdu;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class LicensePreambleTests
{
    [Theory]
    [InlineData(0x83, 3, true)]
    [InlineData(0x03, 3, false)]
    [InlineData(0x02, 2, false)]
    [InlineData(0x82, 2, true)]
    public void SplitsFlagsIntoVersionAndExtendedErrorSupport(byte flags, int version, bool extended)
    {
        var preamble = new LicensePreamble(LicensingMessageType.NewLicenseRequest, flags, 0);
        Assert.Equal(version, preamble.Version);
        Assert.Equal(extended, preamble.ExtendedErrorMessageSupported);
    }

    [Fact]
    public void TheConstructorsPreambleSizeIsIgnoredAndComputed()
    {
        var alert = new LicenseErrorAlert(
            new LicensePreamble(LicensingMessageType.ErrorAlert, 0x83, 9999),
            null,
            LicensingErrorCode.ValidClient,
            LicensingStateTransition.NoTransition,
            LicenseBinaryBlob.Empty(BinaryBlobType.Error));
        Assert.Equal(16, alert.Preamble.MessageSize);
        Assert.Equal(0x83, alert.Preamble.Flags);
        Assert.Equal(LicensingMessageType.ErrorAlert, alert.MessageType);
        Assert.Null(alert.SecurityHeader);
    }
}
