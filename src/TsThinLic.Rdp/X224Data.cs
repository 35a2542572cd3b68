using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.3] X.224 Data TPDU ([X224] 13.7) header that carries every MCS PDU after the connection
/// confirm: LI 2, code 0xF0 (DT), EOT 0x80.
/// </summary>
public static class X224Data
{
    /// <summary>LI (1) + DT ROA (1) + NR EOT (1).</summary>
    public const int HeaderLength = 3;

    /// <summary>TPKT + X.224 data headers in front of every MCS PDU.</summary>
    public const int FrameOverhead = Tpkt.HeaderLength + HeaderLength;

    /// <summary>Wraps an MCS PDU in X.224 data and TPKT headers.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> mcsPdu)
    {
        byte[] packet = new byte[FrameOverhead + mcsPdu.Length];
        Tpkt.WriteHeader(packet, HeaderLength + mcsPdu.Length);
        packet[4] = 0x02;
        packet[5] = 0xF0;
        packet[6] = 0x80;
        mcsPdu.CopyTo(packet.AsSpan(FrameOverhead));
        return packet;
    }

    /// <summary>Checks the TPKT and X.224 data headers of a whole packet and returns the MCS PDU inside.</summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> mcsPdu, out DecodeError error)
    {
        mcsPdu = default;
        if (!Tpkt.TryUnwrap(packet, out ReadOnlySpan<byte> tpdu, out error))
        {
            return false;
        }

        if (!TryReadHeader(tpdu, Tpkt.HeaderLength, out error))
        {
            return false;
        }

        mcsPdu = tpdu[HeaderLength..];
        return true;
    }

    /// <summary>
    /// Checks the X.224 data header at the start of <paramref name="tpdu"/> (the bytes after the TPKT header); the MCS
    /// PDU follows at <see cref="HeaderLength"/>. <paramref name="baseOffset"/> is added to error offsets.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> tpdu, int baseOffset, out DecodeError error)
    {
        var reader = new RdpReader(tpdu, baseOffset);
        if (!reader.TryExpectByte("LI", 0x02))
        {
            error = reader.Error;
            return false;
        }

        int codeOffset = reader.Offset;
        reader.TryReadByte("DT ROA", out byte code);
        if (code != 0xF0)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "DT ROA", codeOffset, $"TPDU code 0x{code:x2} is not Data (0xF0)");
            return false;
        }

        if (!reader.TryExpectByte("NR EOT", 0x80))
        {
            error = reader.Error;
            return false;
        }

        error = default;
        return true;
    }
}
