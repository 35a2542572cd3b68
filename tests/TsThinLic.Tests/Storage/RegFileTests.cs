using System.Text;
using TsThinLic.Records;
using TsThinLic.Storage.Registry;
using Xunit;
using static TsThinLic.Tests.Storage.StoreTestKit;

namespace TsThinLic.Tests.Storage;

/// <summary>.reg files (Windows Registry Editor 5.00) of the MSLicensing key, both ways.</summary>
public sealed class RegFileTests
{
    private static MemoryRegistry StoredHive()
    {
        var hive = new MemoryRegistry();
        var store = new RegistryLicenseStore(hive);
        store.Save(new LicenseStoreUpdate(Hwid(0x5A), License(KeyA, 0x30, 200), null));
        return hive;
    }

    [Fact]
    public void WritesTheRegeditShape()
    {
        string text = RegFile.Write(StoredHive(), RegistryLicenseStore.RootKey);

        string[] lines = text.Split("\r\n");
        Assert.Equal("Windows Registry Editor Version 5.00", lines[0]);
        Assert.Equal(string.Empty, lines[1]);
        Assert.Equal(@"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing]", lines[2]);
        Assert.Contains(@"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\HardwareID]", lines);
        Assert.Contains("\"ClientHWID\"=hex:00,00,01,04,5a,5a,5a,5a,5a,5a,5a,5a,5a,5a,5a,5a,5a,5a,5a,5a", lines);
        Assert.Contains(@"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\Store\LICENSE000]", lines);
        Assert.Contains("\"LicenseVersion\"=dword:00060000", lines);
        // LicenseScope is pbScope: "microsoft.com" in ANSI with its NUL.
        Assert.Contains("\"LicenseScope\"=hex:6d,69,63,72,6f,73,6f,66,74,2e,63,6f,6d,00", lines);
        Assert.All(lines, line => Assert.True(line.Length <= 80, $"line of {line.Length}: {line}"));
        // A 200-byte ClientLicense wraps with a trailing backslash and a two-space indent.
        int start = Array.FindIndex(lines, l => l.StartsWith("\"ClientLicense\"=hex:", StringComparison.Ordinal));
        Assert.EndsWith(",\\", lines[start], StringComparison.Ordinal);
        Assert.StartsWith("  ", lines[start + 1], StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTripsThroughUtf16WithBom()
    {
        MemoryRegistry hive = StoredHive();
        byte[] file = RegFile.Encode(RegFile.Write(hive, RegistryLicenseStore.RootKey));

        Assert.Equal([0xFF, 0xFE], file[..2]);
        MemoryRegistry read = RegFile.Read(RegFile.Decode(file));

        Assert.True(read.ContentEquals(hive));
        LicenseStoreSnapshot snapshot = new RegistryLicenseStore(read).Load();
        Assert.Equal(Hwid(0x5A), snapshot.HardwareId);
        Assert.True(snapshot.Find(KeyA)!.ContentEquals(License(KeyA, 0x30, 200)));
    }

    [Fact]
    public void ReadsAWindowsExportWithoutOurValues()
    {
        // The shape reg export writes on Windows: no LicenseVersion or StoredAt, other wrapping, a comment, a
        // REG_SZ and a deleted value.
        string text = string.Join("\r\n",
            "Windows Registry Editor Version 5.00",
            string.Empty,
            @"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing]",
            string.Empty,
            @"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\HardwareID]",
            "\"ClientHWID\"=hex:02,00,00,00,11,22,33,44,55,66,77,88,99,aa,bb,cc,dd,ee,ff,\\",
            "  00",
            "; a comment",
            string.Empty,
            @"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\Store]",
            string.Empty,
            @"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\Store\LICENSE000]",
            "\"ClientLicense\"=hex:30,82,01,02,\\",
            "  03",
            "\"CompanyName\"=hex:4d,00,69,00,63,00,72,00,6f,00,73,00,6f,00,66,00,74,00,20,00,43,00,6f,00,72,00,70,00,\\",
            "  6f,00,72,00,61,00,74,00,69,00,6f,00,6e,00,00,00",
            "\"LicenseScope\"=hex:6d,69,63,72,6f,73,6f,66,74,2e,63,6f,6d,00",
            "\"ProductID\"=hex:41,00,30,00,32,00,00,00",
            "\"Note\"=\"kept \\\"as is\\\"\"",
            "\"Note\"=-",
            string.Empty);

        Assert.True(RegFile.TryRead(text, out MemoryRegistry hive, out string error), error);
        LicenseStoreSnapshot snapshot = new RegistryLicenseStore(hive).Load();

        Assert.Equal(0x00000002u, snapshot.HardwareId!.Value.PlatformId);
        StoredLicense license = Assert.Single(snapshot.Licenses);
        Assert.Equal(new LicenseKey(RegistryLicenseStore.UnknownVersion, "microsoft.com", "Microsoft Corporation", "A02"), license.Key);
        Assert.Equal([0x30, 0x82, 0x01, 0x02, 0x03], license.LicenseInfo.ToArray());
        Assert.Null(hive.GetValue(RegistryLicenseStore.StoreKey + @"\LICENSE000", "Note"));
        // A Windows-made CAL (unknown version) is offered for its product at any version.
        Assert.True(TsThinLic.Licensing.LicenseOffer.Matches(license.Key, 0x00060000, "Microsoft Corporation", "A02", ["microsoft.com"]));
    }

    [Theory]
    [InlineData("REGEDIT4\r\n", "line 1")]
    [InlineData("Windows Registry Editor Version 5.00\r\n\"A\"=hex:00\r\n", "before any key")]
    [InlineData("Windows Registry Editor Version 5.00\r\n[HKEY_CURRENT_USER\\X]\r\n", "not under HKEY_LOCAL_MACHINE")]
    [InlineData("Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"A\"=hex:0g\r\n", "line 3")]
    [InlineData("Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"A\"=dword:123\r\n", "dword")]
    [InlineData("Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X\r\n", "']'")]
    [InlineData("Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"A=hex:00\r\n", "closing quote")]
    public void RejectsWhatIsNotARegFileWithTheLine(string text, string expected)
    {
        Assert.False(RegFile.TryRead(text, out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodesUtf8Too()
    {
        string text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n\"A\"=dword:00000001\r\n";

        Assert.Equal(text, RegFile.Decode(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(text, RegFile.Decode([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]));
    }
}
