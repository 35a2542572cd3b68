using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Crypto;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Storage.Flash;
using TsThinLic.Transport;

namespace TsThinLic.Native;

/// <summary>
/// What a tsthinlic_store handle names: the store, what it was opened with (the device fingerprint, the profile's
/// PlatformId, the caller's logger, random source and clock), its last-error text, and the in-use flag that makes a
/// second call on it while one runs (another thread, or a callback calling back in) TSTHINLIC_E_BUSY. It lives while
/// its handle or an exchange begun on it does.
/// </summary>
internal sealed class NativeStore
{
    /// <summary>The longest device identity read (tsthinlic_store_options.device_identity).</summary>
    public const int MaxDeviceIdentityLength = 4096;

    private readonly IDisposable? _medium;
    private int _busy;
    private int _references = 1;

    private NativeStore(ITransferableLicenseStore store, string label, FlashGeometry geometry, uint platformId, Settings settings, IDisposable? medium)
    {
        Store = store;
        Label = label;
        Geometry = geometry;
        PlatformId = platformId;
        Fingerprint = settings.Fingerprint;
        Logger = settings.Logger;
        Random = settings.Random;
        Time = settings.Time;
        _medium = medium;
    }

    public ITransferableLicenseStore Store { get; }

    /// <summary>The store in words, as show and doctor name it ("file:/var/lib/…", "flash callbacks …").</summary>
    public string Label { get; }

    /// <summary>The geometry a flash partition image is read with on import.</summary>
    public FlashGeometry Geometry { get; }

    /// <summary>PlatformId for a new HWID: the profile's, else 0x04010000.</summary>
    public uint PlatformId { get; }

    public DeviceFingerprint? Fingerprint { get; }

    public ILogger Logger { get; }

    public IRandomSource Random { get; }

    public TimeProvider Time { get; }

    public string LastError { get; set; } = string.Empty;

    /// <summary>Opens the store a resolved spec names. Registry stores are Windows' and the command's, not this library's.</summary>
    public static NativeStore Open(StoreTarget target, Settings settings)
    {
        uint platformId = target.PlatformId ?? LicensingExchangeOptions.DefaultPlatformId;
        switch (target.Kind)
        {
            case "memory":
                return new NativeStore(new MemoryLicenseStore(), "memory", StoreTarget.DefaultFlashGeometry, platformId, settings, null);
            case "file":
                return new NativeStore(new FileLicenseStore(target.Path, settings.Fingerprint, settings.Logger), $"file:{target.Path}", StoreTarget.DefaultFlashGeometry, platformId, settings, null);
            case "flash":
                FlashLicenseStore flash = FlashLicenseStore.OpenImageFile(target.Path, target.Geometry, target.Offset, target.Size, settings.Fingerprint, settings.Logger, out FileFlashDevice device);
                return new NativeStore(flash, $"flash:{target.Path} (0x{target.Offset:x}+{target.Size}, {target.Geometry})", target.Geometry, platformId, settings, device);
            default:
                throw new NativeException(NativeStatus.Unsupported, $"the {target.Kind} store is the Windows registry's (the tsthinlic command opens it); this library opens memory, file:PATH and flash:PATH stores");
        }
    }

    /// <summary>Opens the A/B store on the caller's flash callbacks, the whole partition its store.</summary>
    public static NativeStore OpenFlash(CallbackFlashDevice device, Settings settings)
    {
        FlashLicenseStore store;
        try
        {
            store = new FlashLicenseStore(device, 0, device.Size, settings.Fingerprint, settings.Logger);
        }
        catch (ArgumentOutOfRangeException exception)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"flash: {exception.Message}");
        }

        return new NativeStore(store, $"flash callbacks (2 x {store.SlotLength} B, {device.Geometry})", device.Geometry, LicensingExchangeOptions.DefaultPlatformId, settings, null);
    }

    /// <summary>Marks the store in use; false when a call on it already runs.</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);

    /// <summary>An exchange now uses the store too.</summary>
    public void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>The handle or an exchange is done with the store; the last one closes the medium.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _medium?.Dispose();
        }
    }

    /// <summary>What tsthinlic_store_options says, checked: the fingerprint, logger, random source and clock a store uses.</summary>
    public sealed class Settings
    {
        public DeviceFingerprint? Fingerprint { get; init; }

        public ILogger Logger { get; init; } = NullLogger.Instance;

        public IRandomSource Random { get; init; } = SystemRandomSource.Instance;

        public TimeProvider Time { get; init; } = TimeProvider.System;

        public static unsafe Settings From(StoreOptions? options)
        {
            if (options is not { } o)
            {
                return new Settings();
            }

            DeviceFingerprint? fingerprint = null;
            if (o.DeviceIdentity is not null || o.DeviceIdentityLength != 0)
            {
                byte[] identity = CallerMemory.ReadBytes(o.DeviceIdentity, o.DeviceIdentityLength, MaxDeviceIdentityLength, "options->device_identity");
                if (identity.Length == 0)
                {
                    throw new NativeException(NativeStatus.InvalidArgument, "options->device_identity is empty: pass NULL to turn clone detection off");
                }

                // DESIGN.md, Stores: a hash of what tells units apart, kept beside the HWID; never the HWID itself.
                fingerprint = DeviceFingerprint.Compute([new("device-identity", Convert.ToHexStringLower(identity))]);
            }

            if (o.Log is not null && o.LogLevel is < 0 or > 6)
            {
                throw new NativeException(NativeStatus.InvalidArgument, $"options->log_level is {o.LogLevel}: TSTHINLIC_LOG_TRACE (0) to TSTHINLIC_LOG_NONE (6)");
            }

            return new Settings
            {
                Fingerprint = fingerprint,
                Logger = o.Log is null ? NullLogger.Instance : new CallbackLogger(o.Log, o.LogContext, o.LogLevel),
                Random = o.Random is null ? SystemRandomSource.Instance : new CallbackRandomSource(o.Random, o.RandomContext),
                Time = o.Clock is null ? TimeProvider.System : new CallbackTimeProvider(o.Clock, o.ClockContext),
            };
        }
    }
}
