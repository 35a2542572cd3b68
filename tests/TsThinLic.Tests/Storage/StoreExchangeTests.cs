using System.IO.Pipelines;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;
using TsThinLic.Tests.Fakes;
using TsThinLic.Transport;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// The emulated-server exchange end to end with each persistent store: the first run stores a HWID and a CAL, the
/// second (a reboot: the store opened anew) presents the CAL in LICENSE_INFO; a failed exchange leaves the medium
/// byte-identical.
/// </summary>
public sealed class StoreExchangeTests : IDisposable
{
    private readonly string _directory = StoreTestKit.TempDirectory();

    public static TheoryData<string> Kinds() => ["flash", "flash-image", "file", "registry"];

    /// <summary>A medium that outlives store objects, and a way to read it whole.</summary>
    private sealed class Medium(Func<ILicenseStore> open, Func<byte[]> bytes)
    {
        public ILicenseStore Open() => open();

        public byte[] Bytes() => bytes();
    }

    private Medium Create(string kind)
    {
        switch (kind)
        {
            case "flash":
            {
                var flash = new EmulatedFlash(new FlashGeometry(1, 4096), 4 * 4096);
                return new Medium(() => new FlashLicenseStore(flash, 0, flash.Size), flash.ToArray);
            }

            case "flash-image":
            {
                string image = Path.Combine(_directory, "store.img");
                return new Medium(
                    () =>
                    {
                        var device = new FileFlashDevice(image, new FlashGeometry(512, 512), 16 * 512);
                        _devices.Add(device);
                        return new FlashLicenseStore(device, 0, device.Size);
                    },
                    () => File.ReadAllBytes(image));
            }

            case "file":
            {
                string path = Path.Combine(_directory, "state", "licenses.store");
                return new Medium(() => new FileLicenseStore(path), () => !Directory.Exists(Path.GetDirectoryName(path)!) ? [] : Directory.GetFiles(Path.GetDirectoryName(path)!).Order(StringComparer.Ordinal).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).SelectMany(File.ReadAllBytes).ToArray());
            }

            default:
            {
                var hive = new MemoryRegistry();
                return new Medium(() => new RegistryLicenseStore(hive), () => RegFile.Encode(RegFile.Write(hive, RegistryLicenseStore.RootKey)));
            }
        }
    }

    private readonly List<FileFlashDevice> _devices = [];

    private static async Task<LicensingExchangeResult> RunAsync(ILicenseStore store, byte seed, EmulatedServerScript? script = null)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        var server = new EmulatedLicenseServer(new SequenceRandomSource((byte)(seed + 100)), script);
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var driver = new PipeLicensingDriver(store, new SequenceRandomSource(seed), time);
        Task serverTask = server.RunAsync(toServer.Reader, toClient.Writer);
        LicensingExchangeResult result = await driver.RunAsync(toClient.Reader, toServer.Writer);
        await toServer.Writer.CompleteAsync();
        await serverTask;
        await toClient.Reader.CompleteAsync();
        return result;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SecondRunPresentsTheStoredCal(string kind)
    {
        Medium medium = Create(kind);

        LicensingExchangeResult first = await RunAsync(medium.Open(), 1);
        LicensingExchangeResult second = await RunAsync(medium.Open(), 2);

        Assert.True(first.Succeeded, first.Failure?.Message);
        Assert.Equal(LicensingOutcome.LicenseIssued, first.Outcome);
        Assert.True(first.HardwareIdCreated);
        Assert.DoesNotContain(first.Pdus, p => p.MessageType == LicensingMessageType.LicenseInfo);

        Assert.True(second.Succeeded, second.Failure?.Message);
        Assert.False(second.HardwareIdCreated);
        Assert.Equal(first.HardwareId, second.HardwareId);
        Assert.Contains(second.Pdus, p => p.Direction == LicensingPduDirection.Client && p.MessageType == LicensingMessageType.LicenseInfo);
        Assert.Equal(first.StoredLicense!.Key, second.PresentedLicense);
        Assert.True(((IVerifiableLicenseStore)medium.Open()).Verify().Findings.All(f => f.Kind != StoreFindingKind.Corrupt));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AFailedExchangeLeavesTheMediumByteIdentical(string kind)
    {
        Medium medium = Create(kind);
        Assert.True((await RunAsync(medium.Open(), 1)).Succeeded);
        byte[] before = medium.Bytes();

        EmulatedServerScript abort = EmulatedServerScript.ErrorAt(2, LicensingErrorCode.InvalidClient, LicensingStateTransition.TotalAbort);
        LicensingExchangeResult failed = await RunAsync(medium.Open(), 3, abort);

        Assert.False(failed.Succeeded);
        Assert.Equal(before, medium.Bytes());
    }

    [Fact]
    public async Task AFailedFirstExchangeKeepsTheHwidItCommittedAndNoCal()
    {
        Medium medium = Create("file");
        EmulatedServerScript abort = EmulatedServerScript.ErrorAt(1, LicensingErrorCode.InvalidClient, LicensingStateTransition.TotalAbort);

        LicensingExchangeResult failed = await RunAsync(medium.Open(), 1, abort);

        // DESIGN.md, Stores: a first use commits its HWID under the store's lock before the exchange (so concurrent
        // first uses agree on one); a failed exchange writes nothing more, and the next one uses the same HWID.
        Assert.False(failed.Succeeded);
        Assert.True(failed.HardwareIdCreated);
        LicenseStoreSnapshot stored = medium.Open().Load();
        Assert.Equal(failed.HardwareId, stored.HardwareId);
        Assert.Empty(stored.Licenses);
        LicensingExchangeResult next = await RunAsync(medium.Open(), 2);
        Assert.True(next.Succeeded);
        Assert.False(next.HardwareIdCreated);
        Assert.Equal(failed.HardwareId, next.HardwareId);
    }

    public void Dispose()
    {
        _devices.ForEach(d => d.Dispose());
        Directory.Delete(_directory, recursive: true);
    }
}
