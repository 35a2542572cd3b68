namespace TsThinLic.Capture;

/// <summary>
/// [X.224 13.7] Class 0 Data TPDU (x224Data of [MS-RDPBCGR 2.2.8.1.1.1.1]): LI = 2, code 0xF0, and the EOT flag in
/// the TPDU-NR byte; the user data (an MCS PDU) follows.
/// </summary>
/// <param name="EndOfTransmission">EOT (0x80): the last TPDU of a TSDU. RDP always sets it.</param>
/// <param name="UserData">The MCS PDU it carries.</param>
public readonly record struct X224DataTpdu(bool EndOfTransmission, ReadOnlyMemory<byte> UserData)
{
    public const int HeaderLength = 1 /* LI */ + 1 /* code */ + 1 /* TPDU-NR and EOT */;

    /// <summary>Reads a Data TPDU from the bytes after the TPKT header; false for any other TPDU or a short header.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> tpdu, out X224DataTpdu data)
    {
        data = default;
        ReadOnlySpan<byte> span = tpdu.Span;
        if (span.Length < HeaderLength || span[0] != 2 || (span[1] & 0xf0) != X224Tpdu.Data)
        {
            return false;
        }

        data = new X224DataTpdu((span[2] & 0x80) != 0, tpdu[HeaderLength..]);
        return true;
    }
}
