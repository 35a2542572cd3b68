using TsThinLic.Licensing;
using TsThinLic.Records;
using Xunit;

namespace TsThinLic.Tests.Licensing;

public sealed class LicenseOfferTests
{
    private static readonly LicenseKey s_key = new(0x00060000, "microsoft.com", "Microsoft Corporation", "A02");

    [Theory]
    [InlineData(0x00060000u, "Microsoft Corporation", "A02", new[] { "microsoft.com" }, true)]
    [InlineData(0x00060000u, "MICROSOFT CORPORATION", "a02", new[] { "other", "MICROSOFT.COM" }, true)]
    [InlineData(0x00050000u, "Microsoft Corporation", "A02", new[] { "microsoft.com" }, true)] // an older offer: a later license answers it (<4>)
    [InlineData(0x00070000u, "Microsoft Corporation", "A02", new[] { "microsoft.com" }, false)] // a newer offer needs a newer license
    [InlineData(0x00060000u, "Other Corp", "A02", new[] { "microsoft.com" }, false)]
    [InlineData(0x00060000u, "Microsoft Corporation", "236", new[] { "microsoft.com" }, false)]
    [InlineData(0x00060000u, "Microsoft Corporation", "A02", new[] { "WORKGROUP" }, false)]
    [InlineData(0x00060000u, "Microsoft Corporation", "A02", new string[0], false)]
    public void MatchesAnOfferAsMsRdpeleSays(uint version, string company, string product, string[] scopes, bool expected)
        => Assert.Equal(expected, LicenseOffer.Matches(s_key, version, company, product, scopes));
}
