using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using TsThinLic.Pdu;

namespace TsThinLic.Cal;

/// <summary>
/// How other RDP clients derive their HWID and name their CAL files from the client host name, so that a tool can say
/// which host a CAL belongs to and whether it still matches (this library never derives a HWID from a name, DESIGN.md).
/// FreeRDP 2.11 (libfreerdp/core/license.c: license_generate_hwid, computeCalHash): PlatformId 0x04010000 (Windows NT
/// post-5.2, Microsoft) + MD5(host name), file <c>&lt;hex SHA-1(host name)&gt;.cal</c> under ~/.config/freerdp/licenses.
/// rdesktop 1.9 (licence.c: licence_generate_hwid; rdesktop.c: save_licence): PlatformId 2 + the host name's first
/// 16 bytes zero-padded, file <c>&lt;hex SHA-1(host name padded to 16 bytes + its 16-byte salt)&gt;.cal</c> under
/// ~/.local/share/rdesktop/licenses. The host name is the client's ("-n", "/client-hostname:", else gethostname; rdesktop
/// cuts it at the first dot and keeps 15 characters).
/// </summary>
public static class HardwareIdRecipes
{
    /// <summary>FreeRDP's PlatformId: CLIENT_OS_ID_WINNT_POST_52 | CLIENT_IMAGE_ID_MICROSOFT.</summary>
    public const uint FreeRdpPlatformId = 0x04010000;

    /// <summary>rdesktop's PlatformId (its HWID starts with the 32-bit value 2).</summary>
    public const uint RdesktopPlatformId = 0x00000002;

    /// <summary>rdesktop's host names are at most 15 characters (a 16-byte buffer with its NUL).</summary>
    public const int RdesktopHostNameLength = 15;

    /// <summary>rdesktop.c g_static_rdesktop_salt_16: the salt of its CAL file names.</summary>
    private static ReadOnlySpan<byte> RdesktopSalt => [0xb8, 0x82, 0x29, 0x31, 0xc5, 0x39, 0xd9, 0x44, 0x54, 0x15, 0x5e, 0x14, 0x71, 0x38, 0xd5, 0x4d];

    /// <summary>The HWID FreeRDP sends from <paramref name="hostName"/> (its bytes as UTF-8, as strlen counts them).</summary>
    public static ClientHardwareId FreeRdp(string hostName)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        var md5 = new MD5Digest();
        md5.BlockUpdate(Encoding.UTF8.GetBytes(hostName));
        byte[] data = new byte[ClientHardwareId.DataLength];
        md5.DoFinal(data);
        return new ClientHardwareId(FreeRdpPlatformId, data);
    }

    /// <summary>The HWID rdesktop sends from <paramref name="hostName"/>: PlatformId 2, then strncpy of the name into 16 bytes.</summary>
    public static ClientHardwareId Rdesktop(string hostName)
    {
        byte[] data = new byte[ClientHardwareId.DataLength];
        byte[] name = RdesktopHostName(hostName);
        name.AsSpan(0, Math.Min(name.Length, data.Length)).CopyTo(data);
        return new ClientHardwareId(RdesktopPlatformId, data);
    }

    /// <summary>FreeRDP's CAL file name for <paramref name="hostName"/>: lowercase hex SHA-1 of the name, ".cal".</summary>
    public static string FreeRdpCalFileName(string hostName)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        return Sha1Hex(Encoding.UTF8.GetBytes(hostName)) + ".cal";
    }

    /// <summary>rdesktop's CAL file name for <paramref name="hostName"/>: hex SHA-1 of the name in 16 zero-padded bytes, then the salt.</summary>
    public static string RdesktopCalFileName(string hostName)
    {
        byte[] input = new byte[16 + 16];
        byte[] name = RdesktopHostName(hostName);
        name.AsSpan(0, Math.Min(name.Length, 15)).CopyTo(input);
        RdesktopSalt.CopyTo(input.AsSpan(16));
        return Sha1Hex(input) + ".cal";
    }

    /// <summary>
    /// Which recipe and name <paramref name="hardwareId"/> comes from, among <paramref name="candidates"/> (host names a
    /// caller knows: the client's machine name, a CAL's CN, the local host name): "freerdp:NAME", "rdesktop:NAME", or null.
    /// </summary>
    public static string? Identify(ClientHardwareId hardwareId, IEnumerable<string?> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (string? candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate))
            {
                continue;
            }

            if (hardwareId == FreeRdp(candidate))
            {
                return "freerdp:" + candidate;
            }

            if (hardwareId == Rdesktop(candidate))
            {
                return "rdesktop:" + RdesktopName(candidate);
            }
        }

        // rdesktop's HWID carries the name itself: it names its host even when no candidate does.
        if (hardwareId.PlatformId == RdesktopPlatformId)
        {
            ReadOnlySpan<byte> data = hardwareId.Data.Span;
            int end = data.IndexOf((byte)0);
            ReadOnlySpan<byte> name = end < 0 ? data : data[..end];
            if (!name.IsEmpty && !name.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
            {
                return "rdesktop:" + Encoding.ASCII.GetString(name);
            }
        }

        return null;
    }

    /// <summary>rdesktop's g_hostname from a name given with -n: at most 15 characters.</summary>
    public static string RdesktopName(string hostName)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        return hostName.Length > RdesktopHostNameLength ? hostName[..RdesktopHostNameLength] : hostName;
    }

    /// <summary>rdesktop's g_hostname without -n: gethostname() cut at the first dot, at most 15 characters.</summary>
    public static string RdesktopDefaultName(string fullHostName)
    {
        ArgumentNullException.ThrowIfNull(fullHostName);
        int dot = fullHostName.IndexOf('.', StringComparison.Ordinal);
        return RdesktopName(dot < 0 ? fullHostName : fullHostName[..dot]);
    }

    private static byte[] RdesktopHostName(string hostName) => Encoding.UTF8.GetBytes(RdesktopName(hostName));

    private static string Sha1Hex(ReadOnlySpan<byte> data)
    {
        var sha1 = new Sha1Digest();
        sha1.BlockUpdate(data);
        Span<byte> hash = stackalloc byte[20];
        sha1.DoFinal(hash);
        return Convert.ToHexStringLower(hash);
    }
}
