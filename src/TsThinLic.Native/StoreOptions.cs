using System.Runtime.InteropServices;

namespace TsThinLic.Native;

/// <summary>tsthinlic_store_options of include/tsthinlic.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct StoreOptions
{
    public uint StructSize;
    public byte* DeviceIdentity;
    public nuint DeviceIdentityLength;
    public delegate* unmanaged<void*, int, int, byte*, void> Log;
    public void* LogContext;
    public int LogLevel;
    public delegate* unmanaged<void*, byte*, nuint, int> Random;
    public void* RandomContext;
    public delegate* unmanaged<void*, long*, int> Clock;
    public void* ClockContext;
}
