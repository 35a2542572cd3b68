using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.Licensing;
using Xunit;

namespace TsThinLic.Tests.Emulation;

/// <summary>CALs the emulated license server mints: read back by the same decoder as real ones.</summary>
public sealed class CalMinterTests
{
    private static readonly DateTimeOffset s_june1 = new(2026, 6, 1, 9, 30, 0, TimeSpan.Zero);

    private static byte[] Mint(bool temporary)
    {
        var minter = new CalMinter(EmulatorKeys.Rsa2048, EmulatorKeys.Rsa512.PublicKey, "LS01", "12345-678-9012345-67890", "contoso.local", s_june1.AddYears(-1));
        return minter.Mint(new CalMintRequest
        {
            HardwareId = LicensingClientTests.s_hardwareId,
            MachineName = "TC-0042",
            UserName = "alice",
            LicenseId = "A02-10.02-S",
            MajorVersion = 10,
            MinorVersion = 2,
            Temporary = temporary,
            NotBefore = s_june1,
            NotAfter = s_june1.AddDays(temporary ? 90 : 60),
            SerialNumber = 0x030000000f,
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AMintedCalReadsBackWithEveryField(bool temporary)
    {
        Assert.True(ClientAccessLicense.TryDecode(Mint(temporary), out ClientAccessLicense? cal, out DecodeError error), error.ToString());

        Assert.Equal(2, cal!.CertificateCount);
        Assert.Equal("A02-10.02-S", cal.LicenseId);
        Assert.Equal(temporary, cal.IsTemporary);
        Assert.True(cal.Leaf.ProductInfo!.ProductVersion.IsRtm);
        Assert.Equal(new LicensedProductVersion(10, 2, 0x00808000 | (temporary ? 0x80000000u : 0)), cal.Leaf.ProductInfo.ProductVersion);
        Assert.Equal("LS01", cal.Issuer);
        Assert.Equal("contoso.local", cal.Scope);
        Assert.Equal("TC-0042", cal.IssuedToMachine);
        Assert.Equal("alice", cal.IssuedToUser);
        Assert.Equal(LicensingClientTests.s_hardwareId, cal.HardwareId);
        Assert.Equal(s_june1, cal.Leaf.NotBefore);
        Assert.Equal(s_june1.AddDays(temporary ? 90 : 60), cal.Leaf.NotAfter);
        Assert.Equal("1.3.14.3.2.29", cal.Leaf.SignatureAlgorithm);
        Assert.Equal(0x00050001u, cal.Leaf.CertificateVersion);
        Assert.Equal("Microsoft Corporation", cal.Leaf.Manufacturer);
        Assert.Equal(new LicenseServerInfo(0x00003000, "LS01", "12345-678-9012345-67890", "contoso.local"), cal.Leaf.ServerInfo);
    }

    [Fact]
    public void TheCertificatesAreSignedByTheLicenseServer()
    {
        byte[] cal = Mint(temporary: true);
        List<ReadOnlyMemory<byte>> certificates = Certificates(cal);

        Assert.Equal(2, certificates.Count);
        Assert.True(X509ChainReader.VerifyChainSignatures(certificates));
        Assert.Equal(CertificateCheck.Valid, X509ChainReader.TryGetLeafPublicKey(certificates, out RsaPublicKey? leafKey, out _));
        Assert.Equal(512, leafKey!.KeyBits);
    }

    [Fact]
    public void TheEmulatorIssuesTemporaryThenUpgradesToPermanent()
    {
        var time = new ManualTimeProvider(s_june1);
        var options = new EmulatedLicenseServerOptions { Time = time, UpgradePresentedLicenses = true };
        var identity = LicensingClientTests.s_identity;

        var first = new LicensingClient(identity, LicenseStoreSnapshot.Empty, new SequenceRandomSource(1));
        SansIoExchange issued = SansIoExchange.Run(first, new EmulatedLicenseServer(new SequenceRandomSource(seed: 50), null, options));
        NewLicenseInfo temporary = issued.Last!.License!;
        Assert.True(ClientAccessLicense.TryDecode(temporary.LicenseInfo.Span, out ClientAccessLicense? temporaryCal, out _));
        Assert.True(temporaryCal!.IsTemporary);
        Assert.Equal(s_june1.AddDays(90), temporaryCal.Leaf.NotAfter);

        time.Advance(TimeSpan.FromDays(1));
        var stored = new LicenseStoreSnapshot(identity.HardwareId, [new StoredLicense(new LicenseKey(temporary.Version, temporary.Scope, temporary.CompanyName, temporary.ProductId), temporary.LicenseInfo, s_june1)]);
        var second = new LicensingClient(identity, stored, new SequenceRandomSource(2));
        SansIoExchange upgraded = SansIoExchange.Run(second, new EmulatedLicenseServer(new SequenceRandomSource(seed: 60), null, options));

        Assert.Equal(LicensingOutcome.LicenseUpgraded, upgraded.Last!.Outcome);
        Assert.True(ClientAccessLicense.TryDecode(upgraded.Last.License!.LicenseInfo.Span, out ClientAccessLicense? permanent, out _));
        Assert.False(permanent!.IsTemporary);
        Assert.Equal(identity.HardwareId, permanent.HardwareId);
        Assert.Equal("RODENT", permanent.IssuedToMachine); // taken from the presented CAL
        TimeSpan validity = permanent.Leaf.NotAfter!.Value - permanent.Leaf.NotBefore!.Value;
        Assert.InRange(validity.TotalDays, 52, 89);
    }

    private static List<ReadOnlyMemory<byte>> Certificates(byte[] cal)
    {
        // ContentInfo → [0] → SignedData → fourth element ([0] certificates) → each certificate.
        var certificates = new List<ReadOnlyMemory<byte>>();
        var top = new DerReader(cal);
        Assert.True(top.TryRead(out _, out _, out ReadOnlySpan<byte> contentInfo));
        var content = new DerReader(contentInfo);
        Assert.True(content.TryRead(out _, out _, out _));
        Assert.True(content.TryRead(out _, out _, out ReadOnlySpan<byte> explicitContent));
        var signedWrapper = new DerReader(explicitContent);
        Assert.True(signedWrapper.TryRead(out _, out _, out ReadOnlySpan<byte> signedData));
        var signed = new DerReader(signedData);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(signed.TryRead(out _, out _, out _));
        }

        Assert.True(signed.TryRead(out byte tag, out _, out ReadOnlySpan<byte> set));
        Assert.Equal(0xA0, tag);
        var reader = new DerReader(set);
        while (reader.HasData)
        {
            Assert.True(reader.TryRead(out _, out ReadOnlySpan<byte> element, out _));
            certificates.Add(element.ToArray());
        }

        return certificates;
    }
}
