using System.Text.RegularExpressions;
using TsThinLic.Storage;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary>The byte-offset tables in hardware/*.md match the code.</summary>
public sealed partial class FlashLayoutDocumentTests
{
    [GeneratedRegex(@"^\| (\d+) \| (\d+) \| ([^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex NumericRow();

    [Theory]
    [InlineData("flash-layout-ab-slots.md")]
    [InlineData("flash-layout-file.md")]
    public void EnvelopeTableMatchesTheCode(string page)
    {
        string text = File.ReadAllText(Path.Combine(StoreTestKit.RepositoryRoot(), "hardware", page));
        string envelope = text[text.IndexOf("## Envelope", StringComparison.Ordinal)..];
        envelope = envelope[..envelope.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var rows = NumericRow().Matches(envelope).Select(m => (Offset: int.Parse(m.Groups[1].Value), Length: int.Parse(m.Groups[2].Value), Field: m.Groups[3].Value.Trim())).ToList();

        Assert.Equal(
            [
                (StoreEnvelope.MagicOffset, 4, "magic"),
                (StoreEnvelope.VersionOffset, 2, "format version"),
                (StoreEnvelope.HeaderLengthOffset, 2, "header length"),
                (StoreEnvelope.SequenceOffset, 4, "sequence"),
                (StoreEnvelope.PayloadLengthOffset, 4, "payload length"),
                (StoreEnvelope.CrcOffset, 4, "CRC-32"),
                (StoreEnvelope.ReservedOffset, 4, "reserved"),
            ],
            rows);
        Assert.Contains($"| {StoreEnvelope.HeaderLength} | L | payload |", envelope, StringComparison.Ordinal);
        Assert.Contains("`54 54 4C 53` (\"TTLS\")", envelope, StringComparison.Ordinal);
        Assert.Contains("`43 4D 49 54` (\"CMIT\")", envelope, StringComparison.Ordinal);
        Assert.Equal("TTLS"u8.ToArray(), StoreEnvelope.Magic.ToArray());
        Assert.Equal("CMIT"u8.ToArray(), StoreEnvelope.CommitMarker.ToArray());
        Assert.Contains($"| 4 | 2 | format version | {StoreEnvelope.FormatVersion} |", envelope, StringComparison.Ordinal);
    }

    [Fact]
    public void PayloadTableMatchesTheCode()
    {
        string text = File.ReadAllText(Path.Combine(StoreTestKit.RepositoryRoot(), "hardware", "flash-layout-ab-slots.md"));

        Assert.Contains("| 0 | 1 | flags: bit 0 HWID present, bit 1 device fingerprint present; other bits 0 |", text, StringComparison.Ordinal);
        Assert.Contains($"(at most {LicenseStoreLimits.MaxLicenses})", text, StringComparison.Ordinal);
        Assert.Contains($"(at most {LicenseStoreLimits.MaxKeyStringBytes})", text, StringComparison.Ordinal);
        Assert.Contains($"(1 to {LicenseStoreLimits.MaxLicenseInfoLength})", text, StringComparison.Ordinal);
        Assert.Equal(1, StorePayload.FlagHardwareId);
        Assert.Equal(2, StorePayload.FlagFingerprint);
    }
}
