namespace TsThinLic.Storage.Flash;

/// <summary>
/// How a flash medium may be written: the smallest unit it programs, the unit it erases, and the value an erased byte
/// reads as. Programming only clears bits (1 → 0); only an erase of a whole unit sets them back.
/// </summary>
/// <param name="ProgramUnit">Smallest programmable unit in bytes (1 for NOR, a page for NAND, a sector for FTL media).</param>
/// <param name="EraseUnit">Erase unit in bytes (a NOR sector, a NAND block); a multiple of <paramref name="ProgramUnit"/>.</param>
/// <param name="EraseValue">What an erased byte reads as (0xFF on NOR and NAND).</param>
public sealed record FlashGeometry(int ProgramUnit, int EraseUnit, byte EraseValue = 0xFF)
{
    /// <summary>Throws when the numbers cannot describe a medium.</summary>
    public void Validate()
    {
        if (ProgramUnit < 1 || EraseUnit < ProgramUnit || EraseUnit % ProgramUnit != 0 || !int.IsPow2(ProgramUnit) || !int.IsPow2(EraseUnit))
        {
            throw new ArgumentException($"Flash geometry needs power-of-two program ({ProgramUnit}) and erase ({EraseUnit}) units, the erase unit a multiple of the program unit.");
        }
    }

    public override string ToString() => $"program {ProgramUnit} B, erase {EraseUnit} B, erased 0x{EraseValue:X2}";
}
