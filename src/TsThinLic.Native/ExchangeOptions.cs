using System.Runtime.InteropServices;

namespace TsThinLic.Native;

/// <summary>tsthinlic_exchange_options of include/tsthinlic.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ExchangeOptions
{
    public uint StructSize;
    public byte* UserName;
    public byte* MachineName;
    public uint PlatformId;
    public int SecurityHeader;
    public byte* GccServerCertificate;
    public nuint GccServerCertificateLength;
}
