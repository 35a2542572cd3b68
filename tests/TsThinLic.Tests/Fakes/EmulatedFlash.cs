using TsThinLic.Storage.Flash;

namespace TsThinLic.Tests.Fakes;

/// <summary>
/// A flash chip in memory with real geometry, in the manner of littlefs's emulated block device: programming only
/// clears bits (an attempt to set one is a <see cref="FlashViolationException"/>), erase is unit-aligned, sets every
/// byte to the erase value and is counted per unit. For power-loss tests it can cut power after the k-th program or
/// erase (the k-th completes; the next throws <see cref="PowerCutException"/> having done nothing, or only its first
/// bytes when tearing is asked for), and flip single bits.
/// </summary>
public sealed class EmulatedFlash : IFlashDevice
{
    private readonly byte[] _cells;
    private readonly int[] _erasesPerUnit;
    private long _operationsLeft = long.MaxValue;
    private int _tearAfterBytes = -1;

    public EmulatedFlash(FlashGeometry geometry, long size)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.Validate();
        if (size <= 0 || size % geometry.EraseUnit != 0 || size > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A whole number of {geometry.EraseUnit}-byte erase units.");
        }

        Geometry = geometry;
        Size = size;
        _cells = new byte[size];
        _cells.AsSpan().Fill(geometry.EraseValue);
        _erasesPerUnit = new int[size / geometry.EraseUnit];
    }

    public FlashGeometry Geometry { get; }

    public long Size { get; }

    /// <summary>Program operations done so far.</summary>
    public int ProgramCount { get; private set; }

    /// <summary>Bytes programmed so far.</summary>
    public long ProgrammedBytes { get; private set; }

    /// <summary>Erase operations done so far.</summary>
    public int EraseCount { get; private set; }

    /// <summary>Erase units erased so far (an erase of three units counts three).</summary>
    public int ErasedUnits { get; private set; }

    /// <summary>Program and erase operations done so far.</summary>
    public int OperationCount => ProgramCount + EraseCount;

    /// <summary>How often each erase unit was erased (wear).</summary>
    public IReadOnlyList<int> ErasesPerUnit => _erasesPerUnit;

    /// <summary>Whether the power is off (after a cut, until <see cref="PowerOn"/>).</summary>
    public bool IsPoweredOff { get; private set; }

    /// <summary>
    /// Cuts the power after <paramref name="operations"/> more program/erase operations. With
    /// <paramref name="tornBytes"/> ≥ 0 the interrupted operation is a program that lands only its first bytes
    /// (rounded down to whole program units is not assumed: a torn page may hold any prefix), or an erase that sets
    /// only that many bytes of its first unit.
    /// </summary>
    public void CutPowerAfter(long operations, int tornBytes = -1)
    {
        _operationsLeft = operations;
        _tearAfterBytes = tornBytes;
    }

    /// <summary>Restores power (a reboot): later operations run normally.</summary>
    public void PowerOn()
    {
        IsPoweredOff = false;
        _operationsLeft = long.MaxValue;
        _tearAfterBytes = -1;
    }

    /// <summary>Flips one bit (a retention error or a disturbed cell).</summary>
    public void FlipBit(long offset, int bit) => _cells[offset] ^= (byte)(1 << bit);

    /// <summary>A copy of the whole medium.</summary>
    public byte[] ToArray() => (byte[])_cells.Clone();

    /// <summary>Replaces the whole medium (a frozen image); counters are kept.</summary>
    public void Load(ReadOnlySpan<byte> image)
    {
        if (image.Length != _cells.Length)
        {
            throw new ArgumentException($"The image is {image.Length} bytes, the device {_cells.Length}.", nameof(image));
        }

        image.CopyTo(_cells);
    }

    public void ResetCounters()
    {
        ProgramCount = 0;
        ProgrammedBytes = 0;
        EraseCount = 0;
        ErasedUnits = 0;
        Array.Clear(_erasesPerUnit);
    }

    public void Read(long offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length, "read");
        ThrowIfOff();
        _cells.AsSpan((int)offset, destination.Length).CopyTo(destination);
    }

    public void Program(long offset, ReadOnlySpan<byte> data)
    {
        CheckRange(offset, data.Length, "program");
        if (offset % Geometry.ProgramUnit != 0 || data.Length % Geometry.ProgramUnit != 0)
        {
            throw new FlashViolationException($"program of {data.Length} bytes at 0x{offset:x} is not aligned to the {Geometry.ProgramUnit}-byte program unit");
        }

        ThrowIfOff();
        Span<byte> cells = _cells.AsSpan((int)offset, data.Length);
        for (int i = 0; i < data.Length; i++)
        {
            if ((data[i] & ~cells[i] & 0xFF) != 0)
            {
                throw new FlashViolationException($"program at 0x{offset + i:x} would set bits 0x{data[i] & ~cells[i] & 0xFF:x2} from 0 to 1 (erase first)");
            }
        }

        int land = data.Length;
        bool cut = Consume();
        if (cut)
        {
            land = _tearAfterBytes < 0 ? 0 : Math.Min(_tearAfterBytes, data.Length);
        }

        for (int i = 0; i < land; i++)
        {
            cells[i] &= data[i];
        }

        if (cut)
        {
            PowerOff();
        }

        ProgramCount++;
        ProgrammedBytes += data.Length;
    }

    public void Erase(long offset, long length)
    {
        CheckRange(offset, length, "erase");
        if (offset % Geometry.EraseUnit != 0 || length % Geometry.EraseUnit != 0 || length == 0)
        {
            throw new FlashViolationException($"erase of {length} bytes at 0x{offset:x} is not whole {Geometry.EraseUnit}-byte erase units");
        }

        ThrowIfOff();
        if (Consume())
        {
            if (_tearAfterBytes > 0)
            {
                _cells.AsSpan((int)offset, (int)Math.Min(_tearAfterBytes, length)).Fill(Geometry.EraseValue);
            }

            PowerOff();
        }

        _cells.AsSpan((int)offset, (int)length).Fill(Geometry.EraseValue);
        for (long unit = offset / Geometry.EraseUnit; unit < (offset + length) / Geometry.EraseUnit; unit++)
        {
            _erasesPerUnit[unit]++;
            ErasedUnits++;
        }

        EraseCount++;
    }

    private bool Consume()
    {
        if (_operationsLeft == 0)
        {
            return true;
        }

        _operationsLeft--;
        return false;
    }

    private void PowerOff()
    {
        IsPoweredOff = true;
        throw new PowerCutException();
    }

    private void ThrowIfOff()
    {
        if (IsPoweredOff)
        {
            throw new PowerCutException("the device is powered off");
        }
    }

    private void CheckRange(long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset + length > Size)
        {
            throw new FlashViolationException($"{what} of {length} bytes at 0x{offset:x} is outside the {Size}-byte device");
        }
    }
}
