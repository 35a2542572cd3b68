using TsThinLic.Emulator;
using TsThinLic.Emulator.Serving;
using TsThinLic.Pdu;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Serving;

/// <summary>`serve --state`: the pool's books survive a restart exactly, the file is written atomically and owner-only, and a damaged file is refused naming what is wrong.</summary>
public sealed class PoolStateFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tsthinlic-state-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TheBooksSurviveARestartAndThePoolDecidesAsBefore()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var pool = new EmulatedLicensePool(1, time, new SequenceRandomSource(0x20));
        var device = new ClientHardwareId(0x04010000, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
        var other = new ClientHardwareId(0x04010000, Enumerable.Range(16, 16).Select(i => (byte)i).ToArray());
        pool.IssueFirst(device);
        pool.IssueFirst(other);
        pool.RecordLogon(device);
        string path = Path.Combine(_directory, "state.json");

        PoolStateFile.Write(path, pool.ExportBooks(), pool.Capacity);
        Assert.True(PoolStateFile.TryRead(path, out EmulatedPoolBooks? books, out string problem), problem);
        var restarted = new EmulatedLicensePool(1, time, new SequenceRandomSource(0x20));
        restarted.ImportBooks(books);

        Assert.Equal(pool.IssuedLicenses, restarted.IssuedLicenses);
        Assert.True(restarted.HasLoggedOn(device));
        Assert.False(restarted.HasLoggedOn(other));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.False(File.Exists(path + ".tmp"));
        // The serial counter goes on from the books: the next CAL does not reuse a number.
        restarted.IssueFirst(new ClientHardwareId(0x04010000, new byte[16]));
        Assert.Equal(3ul, restarted.IssuedLicenses.Max(l => l.SerialNumber));
    }

    [Fact]
    public void AMissingFileIsEmptyBooks()
    {
        Assert.True(PoolStateFile.TryRead(Path.Combine(_directory, "none.json"), out EmulatedPoolBooks? books, out _));
        Assert.Empty(books.Licenses);
        Assert.Empty(books.LoggedOn);
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("""{ "format": "tsthinlic-serve-state/9" }""", "not a tsthinlic-serve-state/1 file")]
    [InlineData("""{ "format": "tsthinlic-serve-state/1", "licenses": {} }""", "\"licenses\" is not an array")]
    [InlineData("""{ "format": "tsthinlic-serve-state/1", "licenses": [ { "hwid": "00", "temporary": true } ] }""", "licenses[0]: \"hwid\"")]
    [InlineData("""{ "format": "tsthinlic-serve-state/1", "licenses": [ { "hwid": "0000010400000000000000000000000000000000", "temporary": 1 } ] }""", "\"temporary\"")]
    [InlineData("""{ "format": "tsthinlic-serve-state/1", "licenses": [ { "hwid": "0000010400000000000000000000000000000000", "temporary": true, "notBefore": "2026-06-02T00:00:00Z", "notAfter": "2026-06-01T00:00:00Z", "serialNumber": 1 } ] }""", "in order")]
    [InlineData("""{ "format": "tsthinlic-serve-state/1", "loggedOn": [ "zz" ] }""", "loggedOn[0]")]
    public void ADamagedFileIsRefusedNamingWhatIsWrong(string json, string expected)
    {
        Assert.False(PoolStateFile.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out _, out string problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
