namespace TsThinLic.Replay.Capture;

/// <summary>
/// [X.224 13] The fixed part of an X.224 TPDU inside a TPKT: the length indicator and the TPDU code
/// ([MS-RDPBCGR 2.2.1.1]: Connection Request 0xE0, Connection Confirm 0xD0, Data 0xF0, Disconnect Request 0x80).
/// For a Data TPDU ([X.224 13.7], <see cref="Rdp.X224Data"/>) the user data follows at <see cref="HeaderLength"/>.
/// </summary>
/// <param name="LengthIndicator">LI: the header length in bytes, not counting LI itself.</param>
/// <param name="Code">The TPDU code (high nibble; the low nibble is the credit, 0 in class 0).</param>
public readonly record struct X224Tpdu(int LengthIndicator, byte Code)
{
    /// <summary>CR: Connection Request.</summary>
    public const byte ConnectionRequest = 0xe0;

    /// <summary>CC: Connection Confirm.</summary>
    public const byte ConnectionConfirm = 0xd0;

    /// <summary>DT: Data.</summary>
    public const byte Data = 0xf0;

    /// <summary>DR: Disconnect Request.</summary>
    public const byte DisconnectRequest = 0x80;

    /// <summary>Bytes before the TPDU's user data: LI plus the header it counts.</summary>
    public int HeaderLength => LengthIndicator + 1;

    /// <summary>Reads LI and the code from the TPDU (the bytes after the TPKT header); false when they do not fit.</summary>
    public static bool TryRead(ReadOnlySpan<byte> tpdu, out X224Tpdu header)
    {
        header = default;
        if (tpdu.Length < 2 || tpdu[0] < 1 || tpdu[0] >= tpdu.Length)
        {
            return false;
        }

        header = new X224Tpdu(tpdu[0], (byte)(tpdu[1] & 0xf0));
        return true;
    }
}
