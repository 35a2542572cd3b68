using System.Buffers.Binary;

namespace TsThinLic.Capture;

/// <summary>
/// [T.123 8] TPKT header (tpktHeader of [MS-RDPBCGR 2.2.1.1]): version 3, reserved, a big-endian length that counts
/// the whole packet including these 4 bytes.
/// </summary>
/// <param name="Length">length: the whole TPKT packet in bytes.</param>
public readonly record struct TpktHeader(int Length)
{
    public const int HeaderLength = 1 /* version */ + 1 /* reserved */ + 2 /* length */;

    /// <summary>version: always 3.</summary>
    public const byte Version = 3;

    /// <summary>The shortest TPKT that can carry an X.224 TPDU: header plus a 3-byte Data TPDU.</summary>
    public const int MinimumLength = HeaderLength + 3;

    /// <summary>
    /// Reads the header. <see cref="TpktStatus.NeedMoreData"/> when fewer than 4 bytes are present;
    /// <see cref="TpktStatus.Invalid"/> when the version is not 3 or the length cannot hold an X.224 TPDU.
    /// </summary>
    public static TpktStatus TryRead(ReadOnlySpan<byte> data, out TpktHeader header)
    {
        header = default;
        if (data.Length < HeaderLength)
        {
            return data.Length > 0 && data[0] != Version ? TpktStatus.Invalid : TpktStatus.NeedMoreData;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (data[0] != Version || length < MinimumLength)
        {
            return TpktStatus.Invalid;
        }

        header = new TpktHeader(length);
        return TpktStatus.Complete;
    }
}
