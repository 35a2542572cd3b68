using TsThinLic.Storage;
using TsThinLic.Storage.Flash;

namespace TsThinLic.Native;

/// <summary>
/// The firmware's flash callbacks (tsthinlic_flash) as the flash store's medium, so a vendor with raw NOR runs the A/B
/// layout (hardware/flash-layout-ab-slots.md) on its own driver. Every program and erase is followed by the sync
/// callback, as <see cref="FileFlashDevice"/> fsyncs: the store's commit order only holds if each step is durable
/// before the next. A callback that fails is a failing medium to the store (<see cref="LicenseStoreException"/>).
/// </summary>
internal sealed unsafe class CallbackFlashDevice : IFlashDevice
{
    private readonly FlashCallbacks _callbacks;

    /// <summary>Checks the geometry and the callbacks the struct names.</summary>
    public CallbackFlashDevice(FlashCallbacks callbacks)
    {
        if (callbacks.Read is null || callbacks.Program is null || callbacks.Erase is null)
        {
            throw new NativeException(NativeStatus.InvalidArgument, "flash->read, flash->program and flash->erase are required");
        }

        if (callbacks.EraseValue > 0xFF)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"flash->erase_value is {callbacks.EraseValue}, not a byte");
        }

        if (callbacks.ProgramUnit is 0 or > int.MaxValue || callbacks.EraseUnit is 0 or > int.MaxValue)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"flash->program_unit {callbacks.ProgramUnit} and flash->erase_unit {callbacks.EraseUnit} must be 1 to {int.MaxValue}");
        }

        var geometry = new FlashGeometry((int)callbacks.ProgramUnit, (int)callbacks.EraseUnit, (byte)callbacks.EraseValue);
        try
        {
            geometry.Validate();
        }
        catch (ArgumentException exception)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"flash geometry: {exception.Message}");
        }

        if (callbacks.Size == 0 || callbacks.Size > long.MaxValue || callbacks.Size % callbacks.EraseUnit != 0)
        {
            throw new NativeException(NativeStatus.InvalidArgument, $"flash->size {callbacks.Size} is not a whole number of {callbacks.EraseUnit}-byte erase units");
        }

        _callbacks = callbacks;
        Geometry = geometry;
        Size = (long)callbacks.Size;
    }

    public FlashGeometry Geometry { get; }

    public long Size { get; }

    public void Read(long offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length);
        int result;
        fixed (byte* buffer = destination)
        {
            result = _callbacks.Read(_callbacks.Context, (ulong)offset, buffer, (nuint)destination.Length);
        }

        Check(result, "read", offset, destination.Length);
    }

    public void Program(long offset, ReadOnlySpan<byte> data)
    {
        CheckRange(offset, data.Length);
        if (offset % Geometry.ProgramUnit != 0 || data.Length % Geometry.ProgramUnit != 0)
        {
            throw new FlashViolationException($"program of {data.Length} bytes at 0x{offset:x} is not aligned to the {Geometry.ProgramUnit}-byte program unit");
        }

        int result;
        fixed (byte* buffer = data)
        {
            result = _callbacks.Program(_callbacks.Context, (ulong)offset, buffer, (nuint)data.Length);
        }

        Check(result, "program", offset, data.Length);
        Sync();
    }

    public void Erase(long offset, long length)
    {
        CheckRange(offset, length);
        if (offset % Geometry.EraseUnit != 0 || length % Geometry.EraseUnit != 0)
        {
            throw new FlashViolationException($"erase of {length} bytes at 0x{offset:x} is not whole {Geometry.EraseUnit}-byte erase units");
        }

        Check(_callbacks.Erase(_callbacks.Context, (ulong)offset, (ulong)length), "erase", offset, length);
        Sync();
    }

    private void Sync()
    {
        if (_callbacks.Sync is not null)
        {
            Check(_callbacks.Sync(_callbacks.Context), "sync", 0, 0);
        }
    }

    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > Size)
        {
            throw new FlashViolationException($"access of {length} bytes at 0x{offset:x} is outside the {Size}-byte partition");
        }
    }

    private static void Check(int result, string operation, long offset, long length)
    {
        if (result != 0)
        {
            throw new LicenseStoreException(length == 0
                ? $"the flash {operation} callback returned {result}"
                : $"the flash {operation} callback returned {result} ({length} bytes at 0x{offset:x})");
        }
    }
}
