using System.Diagnostics.CodeAnalysis;
using System.Text;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.11.1.1] Info Packet (TS_INFO_PACKET) with its Extended Info Packet ([2.2.1.11.1.1.1]): what
/// the Client Info PDU carries after the security header. The probe sends no password: licensing happens before
/// any logon, so the server needs none to reach it.
/// </summary>
public sealed class ClientInfoPacket
{
    /// <summary>INFO_MOUSE.</summary>
    public const uint InfoMouse = 0x00000001;

    /// <summary>INFO_DISABLECTRLALTDEL.</summary>
    public const uint InfoDisableCtrlAltDel = 0x00000002;

    /// <summary>INFO_UNICODE.</summary>
    public const uint InfoUnicode = 0x00000010;

    /// <summary>INFO_MAXIMIZESHELL.</summary>
    public const uint InfoMaximizeShell = 0x00000020;

    /// <summary>INFO_ENABLEWINDOWSKEY.</summary>
    public const uint InfoEnableWindowsKey = 0x00000100;

    /// <summary>The most characters of each string field sent.</summary>
    public const int MaxFieldCharacters = 255;

    private const int TimeZoneInformationLength = 172;

    /// <summary>[MS-RDPBCGR 2.2.1.11.1.1]: no string field of the Info Packet exceeds 512 bytes (terminator excluded).</summary>
    public const int MaxFieldLength = 512;

    /// <summary>CodePage.</summary>
    public uint CodePage { get; init; }

    /// <summary>flags.</summary>
    public uint Flags { get; init; } = InfoMouse | InfoDisableCtrlAltDel | InfoUnicode | InfoMaximizeShell | InfoEnableWindowsKey;

    /// <summary>Domain.</summary>
    public string Domain { get; init; } = string.Empty;

    /// <summary>UserName.</summary>
    public string UserName { get; init; } = string.Empty;

    /// <summary>clientAddress (extended info).</summary>
    public string ClientAddress { get; init; } = "127.0.0.1";

    /// <summary>clientDir (extended info).</summary>
    public string ClientDirectory { get; init; } = "C:\\Windows\\System32\\mstscax.dll";

    /// <summary>performanceFlags (extended info).</summary>
    public uint PerformanceFlags { get; init; }

    /// <summary>The packet bytes (without security header).</summary>
    public byte[] ToArray()
    {
        var writer = new RdpWriter(512);
        byte[] domain = Unicode(Domain);
        byte[] user = Unicode(UserName);
        writer.WriteUInt32(CodePage);
        writer.WriteUInt32(Flags);
        writer.WriteUInt16((ushort)domain.Length); // cbDomain: without the terminating NUL
        writer.WriteUInt16((ushort)user.Length); // cbUserName
        writer.WriteUInt16(0); // cbPassword
        writer.WriteUInt16(0); // cbAlternateShell
        writer.WriteUInt16(0); // cbWorkingDir
        WriteTerminated(writer, domain);
        WriteTerminated(writer, user);
        WriteTerminated(writer, []); // Password
        WriteTerminated(writer, []); // AlternateShell
        WriteTerminated(writer, []); // WorkingDir

        // Extended Info Packet: cbClientAddress and cbClientDir count the terminating NUL.
        byte[] address = Unicode(ClientAddress);
        byte[] directory = Unicode(ClientDirectory);
        writer.WriteUInt16(0x0002); // clientAddressFamily: AF_INET
        writer.WriteUInt16((ushort)(address.Length + 2));
        WriteTerminated(writer, address);
        writer.WriteUInt16((ushort)(directory.Length + 2));
        WriteTerminated(writer, directory);
        writer.WriteZeros(TimeZoneInformationLength); // clientTimeZone: UTC, no daylight saving
        writer.WriteUInt32(0); // clientSessionId
        writer.WriteUInt32(PerformanceFlags);
        writer.WriteUInt16(0); // cbAutoReconnectCookie
        return writer.ToArray();
    }

    private static byte[] Unicode(string text) => Encoding.Unicode.GetBytes(text.Length > MaxFieldCharacters ? text[..MaxFieldCharacters] : text);

    private static void WriteTerminated(RdpWriter writer, byte[] text)
    {
        writer.WriteBytes(text);
        writer.WriteUInt16(0);
    }

    /// <summary>
    /// Decodes the Info Packet a client sends (after the security header): code page, flags, domain and user name in
    /// UTF-16 (INFO_UNICODE) or ANSI. The password, shell and working directory are skipped, never kept; the extended
    /// info that may follow is not read. Every cb* is checked against <see cref="MaxFieldLength"/> and what remains.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out ClientInfoPacket? info, out DecodeError error)
    {
        info = null;
        var reader = new RdpReader(data);
        if (!reader.TryReadUInt32("CodePage", out uint codePage) || !reader.TryReadUInt32("flags", out uint flags))
        {
            error = reader.Error;
            return false;
        }

        Span<ushort> lengths = stackalloc ushort[5];
        ReadOnlySpan<string> names = ["cbDomain", "cbUserName", "cbPassword", "cbAlternateShell", "cbWorkingDir"];
        for (int i = 0; i < lengths.Length; i++)
        {
            int offset = reader.Offset;
            if (!reader.TryReadUInt16(names[i], out lengths[i]))
            {
                error = reader.Error;
                return false;
            }

            if (lengths[i] > MaxFieldLength)
            {
                error = new DecodeError(DecodeErrorKind.LengthOutOfRange, names[i], offset, $"declares {lengths[i]}, the maximum is {MaxFieldLength}");
                return false;
            }
        }

        // Each string is followed by its terminator, which its cb* does not count: two bytes in UTF-16, one in ANSI.
        bool unicode = (flags & InfoUnicode) != 0;
        int terminator = unicode ? 2 : 1;
        string[] values = new string[2];
        ReadOnlySpan<string> fields = ["Domain", "UserName", "Password", "AlternateShell", "WorkingDir"];
        for (int i = 0; i < lengths.Length; i++)
        {
            if (!reader.TryReadBytes(fields[i], lengths[i] + terminator, out ReadOnlySpan<byte> text))
            {
                error = reader.Error;
                return false;
            }

            if (i < values.Length)
            {
                ReadOnlySpan<byte> value = text[..lengths[i]];
                values[i] = unicode ? Encoding.Unicode.GetString(value[..(value.Length & ~1)]) : Encoding.Latin1.GetString(value);
                values[i] = values[i].Split('\0')[0];
            }
        }

        info = new ClientInfoPacket { CodePage = codePage, Flags = flags, Domain = values[0], UserName = values[1] };
        error = default;
        return true;
    }
}
