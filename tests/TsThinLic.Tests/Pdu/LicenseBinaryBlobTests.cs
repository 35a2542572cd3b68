using TsThinLic.Pdu;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class LicenseBinaryBlobTests
{
    [Fact]
    public void EqualsByTypeAndBytes()
    {
        var a = new LicenseBinaryBlob(BinaryBlobType.Data, new byte[] { 1, 2 });
        var b = new LicenseBinaryBlob(0x0001, new byte[] { 1, 2 });
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new LicenseBinaryBlob(BinaryBlobType.Random, new byte[] { 1, 2 }));
        Assert.Equal(6, a.EncodedLength);
        Assert.Equal("BB_DATA_BLOB (2 bytes)", a.ToString());
    }

    [Fact]
    public void AnEmptyBlobKeepsItsType()
    {
        LicenseBinaryBlob empty = LicenseBinaryBlob.Empty(BinaryBlobType.Error);
        Assert.True(empty.IsEmpty);
        Assert.Equal((ushort)BinaryBlobType.Error, empty.BlobType);
        Assert.True(default(LicenseBinaryBlob).IsEmpty);
    }

    [Fact]
    public void RejectsDataThatDoesNotFitWBlobLen()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new LicenseBinaryBlob(BinaryBlobType.Data, new byte[ushort.MaxValue + 1]));
}
