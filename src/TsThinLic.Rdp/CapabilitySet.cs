using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.13.1.1.1] One capability set (TS_CAPS_SET): capabilitySetType, lengthCapability (counting its
/// 4-byte header) and the set's bytes after the header.
/// </summary>
public readonly record struct CapabilitySet(ushort Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>capabilitySetType (2) + lengthCapability (2).</summary>
    public const int HeaderLength = 4;

    /// <summary>CAPSTYPE_GENERAL.</summary>
    public const ushort General = 1;

    /// <summary>CAPSTYPE_BITMAP.</summary>
    public const ushort Bitmap = 2;

    /// <summary>CAPSTYPE_ORDER.</summary>
    public const ushort Order = 3;

    /// <summary>CAPSTYPE_POINTER.</summary>
    public const ushort Pointer = 8;

    /// <summary>CAPSTYPE_SHARE.</summary>
    public const ushort Share = 9;

    /// <summary>CAPSTYPE_INPUT.</summary>
    public const ushort Input = 13;

    /// <summary>CAPSTYPE_FONT.</summary>
    public const ushort Font = 14;

    /// <summary>CAPSTYPE_VIRTUALCHANNEL.</summary>
    public const ushort VirtualChannel = 20;

    /// <summary>CAPSETTYPE_MULTIFRAGMENTUPDATE.</summary>
    public const ushort MultifragmentUpdate = 26;

    internal void Write(RdpWriter writer)
    {
        writer.WriteUInt16(Type);
        writer.WriteUInt16((ushort)(HeaderLength + Data.Length));
        writer.WriteBytes(Data.Span);
    }

    /// <summary>The most capability sets read from one PDU (a client sends about twenty).</summary>
    public const int MaxCount = 64;

    /// <summary>
    /// Reads <paramref name="count"/> capability sets from <paramref name="data"/> (numberCapabilities, then
    /// lengthCombinedCapabilities' bytes); each lengthCapability is checked against what remains.
    /// </summary>
    public static bool TryReadAll(ReadOnlyMemory<byte> data, int count, int baseOffset, [NotNullWhen(true)] out IReadOnlyList<CapabilitySet>? sets, out DecodeError error)
    {
        sets = null;
        if (count > MaxCount)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "numberCapabilities", baseOffset, $"declares {count}, the maximum is {MaxCount}");
            return false;
        }

        var list = new List<CapabilitySet>(count);
        int position = 0;
        for (int i = 0; i < count; i++)
        {
            var reader = new RdpReader(data.Span[position..], baseOffset + position);
            if (!reader.TryReadUInt16("capabilitySetType", out ushort type) || !reader.TryReadUInt16("lengthCapability", out ushort length))
            {
                error = reader.Error;
                return false;
            }

            if (length < HeaderLength || length > data.Length - position)
            {
                error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "lengthCapability", baseOffset + position + 2, $"declares {length}, {data.Length - position} remain");
                return false;
            }

            list.Add(new CapabilitySet(type, data.Slice(position + HeaderLength, length - HeaderLength)));
            position += length;
        }

        sets = list;
        error = default;
        return true;
    }
}
