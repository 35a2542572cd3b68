using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Profiles;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary>Every device profile in hardware/ loads and fits its layout.</summary>
public sealed class DeviceProfileTests
{
    public static TheoryData<string> ProfileFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(StoreTestKit.RepositoryRoot(), "hardware"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void AtLeastSixRealDevicesAreProfiled()
    {
        string[] ids = StoreTestKit.Profiles().Select(p => p.Profile.Id).ToArray();

        Assert.Subset(ids.ToHashSet(), new HashSet<string> { "hp-t430", "hp-t540", "dell-wyse-3040", "dell-wyse-5070", "fujitsu-futro-s740", "raspberry-pi-4" });
    }

    [Theory]
    [MemberData(nameof(ProfileFiles))]
    public void ProfileFitsItsLayout(string file)
    {
        string root = StoreTestKit.RepositoryRoot();
        string json = File.ReadAllText(Path.Combine(root, "hardware", file));
        DeviceProfile profile = DeviceProfile.Parse(json);

        Assert.Equal(Path.GetFileNameWithoutExtension(file), profile.Id);
        Assert.Contains(profile.OsFamily, new[] { "windows", "linux" });
        profile.Geometry.Validate();
        Assert.Equal(0xFF, profile.Geometry.EraseValue);
        Assert.Equal(0x04u, profile.PlatformId >> 24); // CLIENT_OS_ID_WINNT_POST_52, [MS-RDPELE 2.2.2.3.1]

        // Its layout page exists and is the one for its backend.
        string layout = profile.Backend switch
        {
            StoreBackend.Registry => "registry-layout-mslicensing.md",
            StoreBackend.File => "flash-layout-file.md",
            _ => "flash-layout-ab-slots.md",
        };
        Assert.Contains($"\"layout\": \"{layout}\"", json, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root, "hardware", layout)), layout);
        Assert.Equal(profile.Backend == StoreBackend.Registry, profile.OsFamily == "windows");
        Assert.Equal(profile.Backend != StoreBackend.Flash, profile.Ftl);

        // Every fact names its source, or says it is unknown.
        Assert.DoesNotContain("\"source\": \"\"", json, StringComparison.Ordinal);

        if (profile.Backend == StoreBackend.Flash)
        {
            // The partition starts on an erase unit, holds two slots of whole units, and a slot holds a full store:
            // 16 CALs of a typical 2 KiB (Windows Server 2019 CALs are about 1.9 KiB).
            Assert.Equal(0, profile.Offset % profile.Geometry.EraseUnit);
            Assert.Equal(0, profile.Size % (2 * profile.Geometry.EraseUnit));
            var flash = new EmulatedFlash(profile.Geometry, profile.Size);
            var store = new FlashLicenseStore(flash, 0, profile.Size);
            Assert.True(store.MaxPayloadLength >= 16 * 2200, $"a slot holds {store.MaxPayloadLength} bytes");
            Assert.Equal(profile.Size, 2 * store.SlotLength);
        }
        else if (profile.Backend == StoreBackend.File)
        {
            Assert.StartsWith("/", profile.Path, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("""{"id":"x","name":"x","os":{"family":"linux"},"cpu":{"architecture":"x"},"storage":{"medium":"x"},"geometry":{"programUnit":3,"eraseUnit":4096,"eraseValue":255},"store":{"backend":"file","path":"/x"},"platformId":"0x04010000"}""")]
    [InlineData("""{"id":"x","name":"x","os":{"family":"linux"},"cpu":{"architecture":"x"},"storage":{"medium":"x"},"geometry":{"programUnit":1,"eraseUnit":4096,"eraseValue":255},"store":{"backend":"tape","path":"/x"},"platformId":"0x04010000"}""")]
    [InlineData("""{"id":"x","name":"x","os":{"family":"linux"},"cpu":{"architecture":"x"},"storage":{"medium":"x"},"geometry":{"programUnit":1,"eraseUnit":4096,"eraseValue":255},"store":{"backend":"file"},"platformId":"0x04010000"}""")]
    public void ABrokenProfileIsAnErrorNotACrash(string json)
    {
        Assert.False(DeviceProfile.TryParse(json, out _, out string error));
        Assert.NotEmpty(error);
    }
}
