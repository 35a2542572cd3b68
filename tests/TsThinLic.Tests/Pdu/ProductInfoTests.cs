using TsThinLic.Pdu;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public class ProductInfoTests
{
    [Fact]
    public void WritesUtf16WithANul()
    {
        var info = new ProductInfo(0x00060000, "Microsoft Corporation", "A02");
        Assert.Equal(44, info.CompanyNameBytes.Length);
        Assert.Equal(Convert.FromHexString("4100300032000000"), info.ProductIdBytes.ToArray()); // "A02\0" UTF-16LE
        Assert.Equal(12 + 44 + 8, info.EncodedLength);
        Assert.Equal("Microsoft Corporation A02 0x00060000", info.ToString());
    }

    [Fact]
    public void ReadsRawBytesWithoutANulOrWithInvalidUtf16WithoutThrowing()
    {
        var info = new ProductInfo(1, new byte[] { 0x41, 0x00 }, new byte[] { 0x00, 0xD8 }); // "A" without NUL; a lone surrogate
        Assert.Equal("A", info.CompanyName);
        Assert.Equal("\uFFFD", info.ProductId);
    }

    [Fact]
    public void RejectsOversizeFields()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ProductInfo(1, new byte[LicensingLimits.MaxStringLength + 2], ReadOnlyMemory<byte>.Empty));
}
