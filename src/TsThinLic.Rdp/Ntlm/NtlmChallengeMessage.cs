using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 2.2.1.2] CHALLENGE_MESSAGE: the server's flags, its 8-byte challenge, its name and the TargetInfo AV_PAIRs
/// the client echoes in its NTLMv2 response.
/// </summary>
public sealed class NtlmChallengeMessage
{
    public const int ServerChallengeLength = 8;

    /// <summary>Through Version; payload follows.</summary>
    public const int FixedLength = NtlmWire.HeaderLength + NtlmWire.FieldLength /* TargetNameFields */ + 4 /* NegotiateFlags */
        + ServerChallengeLength + 8 /* Reserved */ + NtlmWire.FieldLength /* TargetInfoFields */ + NtlmVersion.Length;

    public NtlmChallengeMessage(NtlmNegotiateFlags flags, ReadOnlyMemory<byte> serverChallenge, ReadOnlyMemory<byte> targetName, NtlmTargetInfo targetInfo, NtlmVersion? version)
    {
        ArgumentNullException.ThrowIfNull(targetInfo);
        if (serverChallenge.Length != ServerChallengeLength)
        {
            throw new ArgumentException("The server challenge is 8 bytes.", nameof(serverChallenge));
        }

        Flags = flags;
        ServerChallenge = serverChallenge;
        TargetName = targetName;
        TargetInfo = targetInfo;
        Version = version;
    }

    /// <summary>NegotiateFlags.</summary>
    public NtlmNegotiateFlags Flags { get; }

    /// <summary>ServerChallenge.</summary>
    public ReadOnlyMemory<byte> ServerChallenge { get; }

    /// <summary>TargetName as on the wire (UTF-16LE with NTLMSSP_NEGOTIATE_UNICODE).</summary>
    public ReadOnlyMemory<byte> TargetName { get; }

    /// <summary>TargetName as text.</summary>
    public string TargetNameText => (Flags & NtlmNegotiateFlags.Unicode) != 0 ? Encoding.Unicode.GetString(TargetName.Span) : Encoding.ASCII.GetString(TargetName.Span);

    /// <summary>TargetInfo.</summary>
    public NtlmTargetInfo TargetInfo { get; }

    /// <summary>Version, when NTLMSSP_NEGOTIATE_VERSION is set.</summary>
    public NtlmVersion? Version { get; }

    /// <summary>Encodes the message (emulated servers and tests): TargetName, then TargetInfo, in the payload.</summary>
    public byte[] ToArray()
    {
        byte[] info = TargetInfo.ToArray();
        byte[] message = new byte[FixedLength + TargetName.Length + info.Length];
        NtlmWire.WriteHeader(message, NtlmMessageType.Challenge);
        int payload = NtlmWire.WriteField(message, 12, FixedLength, TargetName.Span);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(20), (uint)Flags);
        ServerChallenge.Span.CopyTo(message.AsSpan(24));
        NtlmWire.WriteField(message, 40, payload, info);
        Version?.Write(message.AsSpan(48));
        return message;
    }

    public static bool TryDecode(ReadOnlyMemory<byte> message, [NotNullWhen(true)] out NtlmChallengeMessage? challenge, out DecodeError error)
    {
        challenge = null;
        ReadOnlySpan<byte> span = message.Span;
        if (!NtlmWire.TryReadHeader(span, NtlmMessageType.Challenge, out error))
        {
            return false;
        }

        // TargetInfoFields end at 48; Version after it is present only with NTLMSSP_NEGOTIATE_VERSION.
        const int ThroughTargetInfo = FixedLength - NtlmVersion.Length;
        if (span.Length < ThroughTargetInfo)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "CHALLENGE_MESSAGE", span.Length, $"{span.Length} bytes, the fixed part is {ThroughTargetInfo}");
            return false;
        }

        var flags = (NtlmNegotiateFlags)BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        if (!NtlmWire.TryReadField(span, 12, "TargetName", out ReadOnlySpan<byte> targetName, out error)
            || !NtlmWire.TryReadField(span, 40, "TargetInfo", out ReadOnlySpan<byte> targetInfoBytes, out error))
        {
            return false;
        }

        int targetInfoOffset = targetInfoBytes.IsEmpty ? 0 : (int)BinaryPrimitives.ReadUInt32LittleEndian(span[44..]);
        NtlmTargetInfo targetInfo;
        if (targetInfoBytes.IsEmpty)
        {
            targetInfo = new NtlmTargetInfo([]);
        }
        else if (!NtlmTargetInfo.TryDecode(message.Slice(targetInfoOffset, targetInfoBytes.Length), targetInfoOffset, out NtlmTargetInfo? decoded, out error))
        {
            return false;
        }
        else
        {
            targetInfo = decoded;
        }

        int targetNameOffset = targetName.IsEmpty ? 0 : (int)BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
        NtlmVersion? version = (flags & NtlmNegotiateFlags.Version) != 0 && span.Length >= FixedLength ? NtlmVersion.Read(span[48..]) : null;
        challenge = new NtlmChallengeMessage(flags, message.Slice(24, ServerChallengeLength), message.Slice(targetNameOffset, targetName.Length), targetInfo, version);
        return true;
    }
}
