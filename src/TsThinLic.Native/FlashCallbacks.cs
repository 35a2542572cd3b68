using System.Runtime.InteropServices;

namespace TsThinLic.Native;

/// <summary>tsthinlic_flash of include/tsthinlic.h: a flash partition the firmware drives, as the C caller lays it out.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FlashCallbacks
{
    public uint StructSize;
    public uint ProgramUnit;
    public uint EraseUnit;
    public uint EraseValue;
    public ulong Size;
    public void* Context;
    public delegate* unmanaged<void*, ulong, byte*, nuint, int> Read;
    public delegate* unmanaged<void*, ulong, byte*, nuint, int> Program;
    public delegate* unmanaged<void*, ulong, ulong, int> Erase;
    public delegate* unmanaged<void*, int> Sync;
}
