using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Cal;

/// <summary>
/// How a CAL binds to a device: the leaf's subject serialNumber (2.5.4.5, a BMPString) is Base64 of the 20-byte HWID
/// XOR a fixed key, followed by CRLF. Not in [MS-RDPELE]; found on real CALs and checked on independent ones (the
/// spec's RODENT CAL decodes to the [MS-RDPELE 4.5] HWID; a 2019 Windows Server CAL to IronRDP's PlatformId).
/// </summary>
public static class CalHardwareId
{
    private static ReadOnlySpan<byte> ObfuscationKey =>
    [
        0xd6, 0x17, 0x0a, 0x79, 0x2d, 0xef, 0x15, 0x8d, 0x71, 0x24,
        0x58, 0x2c, 0x08, 0x8f, 0xb8, 0xee, 0xbe, 0x35, 0x79, 0x8d,
    ];

    /// <summary>The HWID a subject serialNumber stands for; false when it is not Base64 of 20 bytes.</summary>
    public static bool TryDecode(string serialNumber, [NotNullWhen(true)] out ClientHardwareId? hardwareId)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);
        hardwareId = null;
        Span<byte> bytes = stackalloc byte[32];
        if (!Convert.TryFromBase64String(serialNumber.Trim(), bytes, out int written) || written != ClientHardwareId.Length)
        {
            return false;
        }

        Span<byte> plain = bytes[..ClientHardwareId.Length];
        for (int i = 0; i < plain.Length; i++)
        {
            plain[i] ^= ObfuscationKey[i];
        }

        if (!ClientHardwareId.TryDecode(plain, out ClientHardwareId decoded, out _))
        {
            return false;
        }

        hardwareId = decoded;
        return true;
    }

    /// <summary>The subject serialNumber a license server writes for <paramref name="hardwareId"/>.</summary>
    public static string Encode(ClientHardwareId hardwareId)
    {
        byte[] bytes = hardwareId.ToArray();
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= ObfuscationKey[i];
        }

        return Convert.ToBase64String(bytes) + "\r\n";
    }
}
