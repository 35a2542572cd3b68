using TsThinLic.Records;
using TsThinLic.Storage.Flash;
using TsThinLic.Tests.Fakes;
using Xunit;
using static TsThinLic.Tests.Storage.StoreTestKit;

namespace TsThinLic.Tests.Storage;

/// <summary>The emulated flash enforces the geometry, so that a store bug is an error the test sees.</summary>
public sealed class EmulatedFlashTests
{
    private static readonly FlashGeometry s_geometry = new(4, 256);

    [Fact]
    public void ProgrammingOnlyClearsBits()
    {
        var flash = new EmulatedFlash(s_geometry, 1024);
        flash.Program(0, [0xF0, 0xFF, 0x00, 0xFF]);
        flash.Program(0, [0xE0, 0xFF, 0x00, 0x0F]);

        FlashViolationException error = Assert.Throws<FlashViolationException>(() => flash.Program(0, [0xFF, 0xFF, 0xFF, 0xFF]));
        Assert.Contains("from 0 to 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EraseSetsTheEraseValueAndIsCountedPerUnit()
    {
        var flash = new EmulatedFlash(s_geometry, 1024);
        flash.Program(256, [0, 0, 0, 0]);

        flash.Erase(256, 512);

        Assert.All(flash.ToArray(), b => Assert.Equal(0xFF, b));
        Assert.Equal(1, flash.EraseCount);
        Assert.Equal(2, flash.ErasedUnits);
        Assert.Equal([0, 1, 1, 0], flash.ErasesPerUnit);
    }

    [Theory]
    [InlineData(2, 4)]
    [InlineData(0, 6)]
    [InlineData(1020, 8)]
    public void UnalignedOrOutOfRangeProgramsAreErrors(long offset, int length)
        => Assert.Throws<FlashViolationException>(() => new EmulatedFlash(s_geometry, 1024).Program(offset, new byte[length]));

    [Theory]
    [InlineData(128, 256)]
    [InlineData(0, 100)]
    [InlineData(768, 512)]
    public void UnalignedOrOutOfRangeErasesAreErrors(long offset, long length)
        => Assert.Throws<FlashViolationException>(() => new EmulatedFlash(s_geometry, 1024).Erase(offset, length));

    [Fact]
    public void APowerCutStopsEverythingUntilPowerOn()
    {
        var flash = new EmulatedFlash(s_geometry, 1024);
        flash.CutPowerAfter(1, tornBytes: 2);
        flash.Program(0, [0, 0, 0, 0]);

        Assert.Throws<PowerCutException>(() => flash.Program(4, [0x11, 0x22, 0x33, 0x44]));
        Assert.Throws<PowerCutException>(() => flash.Read(0, new byte[4]));
        flash.PowerOn();

        byte[] bytes = new byte[8];
        flash.Read(0, bytes);
        Assert.Equal([0, 0, 0, 0, 0x11, 0x22, 0xFF, 0xFF], bytes);
    }

    [Fact]
    public void AStoreUpdateIsOneEraseOfOneUnitAndOneProgramPass()
    {
        var flash = new EmulatedFlash(new FlashGeometry(1, 4096), 4 * 4096);
        var store = new FlashLicenseStore(flash, 0, flash.Size);
        store.Save(new LicenseStoreUpdate(Hwid(1), License(KeyA, 1, 1900), null));
        store.Save(new LicenseStoreUpdate(null, License(KeyA, 2, 1900), null));
        flash.ResetCounters();

        store.Save(new LicenseStoreUpdate(null, License(KeyC, 3, 1900), KeyA));

        Assert.Equal(1, flash.EraseCount);
        Assert.Equal(1, flash.ErasedUnits);
        Assert.Equal(2, flash.ProgramCount); // header + payload, then the commit marker
    }
}
