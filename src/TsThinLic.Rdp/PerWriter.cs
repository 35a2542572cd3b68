namespace TsThinLic.Rdp;

/// <summary>PER (ITU-T X.691 aligned) helpers for GCC ([T124]): only the length determinant is needed by hand.</summary>
internal static class PerWriter
{
    /// <summary>One byte below 0x80, else two bytes with the top bit set (lengths up to 16383).</summary>
    public static void WriteLength(RdpWriter writer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 0x3FFF);
        if (length < 0x80)
        {
            writer.WriteByte((byte)length);
        }
        else
        {
            writer.WriteUInt16BigEndian((ushort)(length | 0x8000));
        }
    }
}
