using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TsThinLic.Native;

/// <summary>The version queries of include/tsthinlic.h.</summary>
internal static unsafe class VersionExports
{
    /// <summary>TSTHINLIC_ABI_VERSION_MAJOR and _MINOR of the header this library implements.</summary>
    public const int AbiMajor = 1;

    public const int AbiMinor = 0;

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_abi_version", CallConvs = [typeof(CallConvCdecl)])]
    public static uint AbiVersion() => (AbiMajor << 16) | AbiMinor;

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_version", CallConvs = [typeof(CallConvCdecl)])]
    public static int Version(byte* buffer, nuint capacity, nuint* length)
        => NativeBoundary.Run("tsthinlic_version", null, () => CallerMemory.WriteText(VersionText(), buffer, capacity, length));

    internal static string VersionText() => $"{ThisLibrary.Version} abi {AbiMajor}.{AbiMinor}";
}
