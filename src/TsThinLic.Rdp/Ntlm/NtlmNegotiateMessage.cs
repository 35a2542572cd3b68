using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 2.2.1.1] NEGOTIATE_MESSAGE: the client's flags and, with NTLMSSP_NEGOTIATE_VERSION, its version. Like
/// mstsc, the client names neither its domain nor its workstation here (the fields are empty).
/// </summary>
public sealed class NtlmNegotiateMessage
{
    public const int FixedLength = NtlmWire.HeaderLength + 4 /* NegotiateFlags */ + NtlmWire.FieldLength /* DomainNameFields */
        + NtlmWire.FieldLength /* WorkstationFields */ + NtlmVersion.Length;

    public NtlmNegotiateMessage(NtlmNegotiateFlags flags, NtlmVersion? version)
    {
        Flags = flags;
        Version = version;
    }

    /// <summary>NegotiateFlags.</summary>
    public NtlmNegotiateFlags Flags { get; }

    /// <summary>Version, when NTLMSSP_NEGOTIATE_VERSION is set.</summary>
    public NtlmVersion? Version { get; }

    public byte[] ToArray()
    {
        byte[] message = new byte[FixedLength];
        NtlmWire.WriteHeader(message, NtlmMessageType.Negotiate);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(12), (uint)Flags);
        NtlmWire.WriteField(message, 16, FixedLength, []);
        NtlmWire.WriteField(message, 24, FixedLength, []);
        Version?.Write(message.AsSpan(32));
        return message;
    }

    public static bool TryDecode(ReadOnlySpan<byte> message, [NotNullWhen(true)] out NtlmNegotiateMessage? negotiate, out DecodeError error)
    {
        negotiate = null;
        if (!NtlmWire.TryReadHeader(message, NtlmMessageType.Negotiate, out error))
        {
            return false;
        }

        if (message.Length < NtlmWire.HeaderLength + 4 + (2 * NtlmWire.FieldLength))
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "NegotiateFlags", NtlmWire.HeaderLength, $"{message.Length} bytes");
            return false;
        }

        var flags = (NtlmNegotiateFlags)BinaryPrimitives.ReadUInt32LittleEndian(message[12..]);
        if (!NtlmWire.TryReadField(message, 16, "DomainName", out _, out error) || !NtlmWire.TryReadField(message, 24, "Workstation", out _, out error))
        {
            return false;
        }

        NtlmVersion? version = (flags & NtlmNegotiateFlags.Version) != 0 && message.Length >= FixedLength ? NtlmVersion.Read(message[32..]) : null;
        negotiate = new NtlmNegotiateMessage(flags, version);
        return true;
    }
}
