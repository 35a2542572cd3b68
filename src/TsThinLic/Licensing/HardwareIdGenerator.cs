using TsThinLic.Crypto;
using TsThinLic.Pdu;

namespace TsThinLic.Licensing;

/// <summary>Makes a client's HWID ([MS-RDPELE 2.2.2.3.1]): the one way every part of the product does it.</summary>
public static class HardwareIdGenerator
{
    /// <summary>
    /// DESIGN.md: 16 bytes from the CSPRNG behind the PlatformId; never derived from a host name or MAC, so two units
    /// never share one and nothing about the device can be read back from it.
    /// </summary>
    public static ClientHardwareId Create(uint platformId, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> data = stackalloc byte[ClientHardwareId.DataLength];
        random.GetBytes(data);
        return new ClientHardwareId(platformId, data);
    }
}
