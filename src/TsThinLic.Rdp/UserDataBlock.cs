using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.3.1] One GCC user data block as carried in the Conference Create Request/Response:
/// TS_UD_HEADER (type, length counting the header) and the block's bytes after the header.
/// </summary>
public readonly record struct UserDataBlock(ushort Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>type (2) + length (2).</summary>
    public const int HeaderLength = 4;

    /// <summary>CS_CORE.</summary>
    public const ushort ClientCore = 0xC001;

    /// <summary>CS_SECURITY.</summary>
    public const ushort ClientSecurity = 0xC002;

    /// <summary>CS_NET.</summary>
    public const ushort ClientNetwork = 0xC003;

    /// <summary>CS_CLUSTER.</summary>
    public const ushort ClientCluster = 0xC004;

    /// <summary>SC_CORE.</summary>
    public const ushort ServerCore = 0x0C01;

    /// <summary>SC_SECURITY.</summary>
    public const ushort ServerSecurity = 0x0C02;

    /// <summary>SC_NET.</summary>
    public const ushort ServerNetwork = 0x0C03;

    internal static void Write(RdpWriter writer, ushort type, ReadOnlySpan<byte> data)
    {
        writer.WriteUInt16(type);
        writer.WriteUInt16((ushort)(data.Length + HeaderLength));
        writer.WriteBytes(data);
    }

    /// <summary>Splits a run of user data blocks; every block length is checked against what remains.</summary>
    public static bool TryDecodeAll(ReadOnlyMemory<byte> data, int baseOffset, [NotNullWhen(true)] out IReadOnlyList<UserDataBlock>? blocks, out DecodeError error)
    {
        var list = new List<UserDataBlock>();
        blocks = null;
        int position = 0;
        while (position < data.Length)
        {
            var reader = new RdpReader(data.Span[position..], baseOffset + position);
            if (!reader.TryReadUInt16("type", out ushort type) || !reader.TryReadUInt16("length", out ushort length))
            {
                error = reader.Error;
                return false;
            }

            if (length < HeaderLength || length > data.Length - position)
            {
                error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "length", baseOffset + position + 2, $"declares {length}, {data.Length - position} remain");
                return false;
            }

            list.Add(new UserDataBlock(type, data.Slice(position + HeaderLength, length - HeaderLength)));
            position += length;
            if (list.Count > 64)
            {
                error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "userData", baseOffset + position, "more than 64 user data blocks");
                return false;
            }
        }

        blocks = list;
        error = default;
        return true;
    }
}
