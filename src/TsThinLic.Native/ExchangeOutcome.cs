using System.Runtime.InteropServices;

namespace TsThinLic.Native;

/// <summary>tsthinlic_outcome of include/tsthinlic.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ExchangeOutcome
{
    public uint StructSize;
    public int Result;
    public int Failure;
    public uint ServerErrorCode;
    public uint ServerStateTransition;
    public uint AlertSent;
    public int HardwareIdCreated;
    public int LicenseStored;
    public int LicensePresented;
    public int DecodeOffset;
}
