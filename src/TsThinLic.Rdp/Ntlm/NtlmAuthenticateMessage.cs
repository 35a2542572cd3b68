using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 2.2.1.3] AUTHENTICATE_MESSAGE: the LM and NT challenge responses, the names (UTF-16LE), the encrypted random
/// session key (NTLMSSP_NEGOTIATE_KEY_EXCH), the flags, the version and the MIC. The payload is laid out as Windows
/// does and the [MS-NLMP 4.2.4.3] example shows it: domain, user, workstation, LM, NT, session key.
/// </summary>
public sealed class NtlmAuthenticateMessage
{
    public const int MicLength = 16;

    /// <summary>Through NegotiateFlags; Version (8) and MIC (16) may follow.</summary>
    public const int FieldsLength = NtlmWire.HeaderLength + (6 * NtlmWire.FieldLength) + 4 /* NegotiateFlags */;

    /// <summary>Offset of the MIC when Version is present.</summary>
    public const int MicOffset = FieldsLength + NtlmVersion.Length;

    public NtlmAuthenticateMessage(
        NtlmNegotiateFlags flags,
        ReadOnlyMemory<byte> lmChallengeResponse,
        ReadOnlyMemory<byte> ntChallengeResponse,
        ReadOnlyMemory<byte> domainName,
        ReadOnlyMemory<byte> userName,
        ReadOnlyMemory<byte> workstation,
        ReadOnlyMemory<byte> encryptedRandomSessionKey,
        NtlmVersion? version,
        ReadOnlyMemory<byte>? mic)
    {
        if (mic is { Length: not MicLength })
        {
            throw new ArgumentException("A MIC is 16 bytes.", nameof(mic));
        }

        if (mic is not null && version is null)
        {
            throw new ArgumentException("The MIC follows the Version field.", nameof(mic));
        }

        Flags = flags;
        LmChallengeResponse = lmChallengeResponse;
        NtChallengeResponse = ntChallengeResponse;
        DomainName = domainName;
        UserName = userName;
        Workstation = workstation;
        EncryptedRandomSessionKey = encryptedRandomSessionKey;
        Version = version;
        Mic = mic;
    }

    public NtlmNegotiateFlags Flags { get; }

    public ReadOnlyMemory<byte> LmChallengeResponse { get; }

    public ReadOnlyMemory<byte> NtChallengeResponse { get; }

    /// <summary>DomainName (UTF-16LE).</summary>
    public ReadOnlyMemory<byte> DomainName { get; }

    /// <summary>UserName (UTF-16LE).</summary>
    public ReadOnlyMemory<byte> UserName { get; }

    /// <summary>Workstation (UTF-16LE).</summary>
    public ReadOnlyMemory<byte> Workstation { get; }

    public ReadOnlyMemory<byte> EncryptedRandomSessionKey { get; }

    public NtlmVersion? Version { get; }

    /// <summary>MIC, when the message carries one (the server's TargetInfo had MsvAvTimestamp).</summary>
    public ReadOnlyMemory<byte>? Mic { get; }

    /// <summary>The offset of the payload: after the MIC, or the Version, or the flags.</summary>
    public int PayloadOffset => Mic is not null ? MicOffset + MicLength : Version is not null ? MicOffset : FieldsLength;

    /// <summary>Encodes the message; with a MIC present its bytes are written as given (zeros while it is computed).</summary>
    public byte[] ToArray()
    {
        int payload = PayloadOffset;
        byte[] message = new byte[payload + DomainName.Length + UserName.Length + Workstation.Length + LmChallengeResponse.Length + NtChallengeResponse.Length + EncryptedRandomSessionKey.Length];
        NtlmWire.WriteHeader(message, NtlmMessageType.Authenticate);
        payload = NtlmWire.WriteField(message, 28, payload, DomainName.Span);
        payload = NtlmWire.WriteField(message, 36, payload, UserName.Span);
        payload = NtlmWire.WriteField(message, 44, payload, Workstation.Span);
        payload = NtlmWire.WriteField(message, 12, payload, LmChallengeResponse.Span);
        payload = NtlmWire.WriteField(message, 20, payload, NtChallengeResponse.Span);
        NtlmWire.WriteField(message, 52, payload, EncryptedRandomSessionKey.Span);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(60), (uint)Flags);
        Version?.Write(message.AsSpan(FieldsLength));
        Mic?.Span.CopyTo(message.AsSpan(MicOffset));
        return message;
    }

    /// <summary>
    /// Decodes a message. Whether Version and MIC are present is read from where the payload starts (the lowest
    /// non-empty field offset), as [MS-NLMP] gives no flag for the MIC.
    /// </summary>
    public static bool TryDecode(ReadOnlyMemory<byte> message, [NotNullWhen(true)] out NtlmAuthenticateMessage? authenticate, out DecodeError error)
    {
        authenticate = null;
        ReadOnlySpan<byte> span = message.Span;
        if (!NtlmWire.TryReadHeader(span, NtlmMessageType.Authenticate, out error))
        {
            return false;
        }

        if (span.Length < FieldsLength)
        {
            error = new DecodeError(DecodeErrorKind.Truncated, "AUTHENTICATE_MESSAGE", span.Length, $"{span.Length} bytes, the fields need {FieldsLength}");
            return false;
        }

        string[] names = ["LmChallengeResponse", "NtChallengeResponse", "DomainName", "UserName", "Workstation", "EncryptedRandomSessionKey"];
        var values = new ReadOnlyMemory<byte>[names.Length];
        int payloadStart = span.Length;
        for (int i = 0; i < names.Length; i++)
        {
            int fieldOffset = 12 + (i * NtlmWire.FieldLength);
            if (!NtlmWire.TryReadField(span, fieldOffset, names[i], out ReadOnlySpan<byte> value, out error))
            {
                return false;
            }

            if (!value.IsEmpty)
            {
                int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(fieldOffset + 4)..]);
                if (offset < FieldsLength)
                {
                    error = new DecodeError(DecodeErrorKind.InvalidValue, names[i] + "BufferOffset", fieldOffset + 4, $"{offset} points into the fixed fields");
                    return false;
                }

                payloadStart = Math.Min(payloadStart, offset);
                values[i] = message.Slice(offset, value.Length);
            }
        }

        var flags = (NtlmNegotiateFlags)BinaryPrimitives.ReadUInt32LittleEndian(span[60..]);
        NtlmVersion? version = payloadStart >= MicOffset ? NtlmVersion.Read(span[FieldsLength..]) : null;
        ReadOnlyMemory<byte>? mic = payloadStart >= MicOffset + MicLength ? message.Slice(MicOffset, MicLength) : (ReadOnlyMemory<byte>?)null;
        authenticate = new NtlmAuthenticateMessage(flags, values[0], values[1], values[2], values[3], values[4], values[5], version, mic);
        return true;
    }
}
