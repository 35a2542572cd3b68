using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Nla;

/// <summary>
/// [RFC 4178, MS-SPNG] The SPNEGO tokens that wrap NTLM when the server wants them: the client's first token is a
/// NegTokenInit inside the GSS-API InitialContextToken (RFC 2743 3.1) offering NTLM only, with the NEGOTIATE_MESSAGE as
/// its optimistic mechToken; every later token either way is a NegTokenResp.
/// </summary>
public static class Spnego
{
    /// <summary>DER of the SPNEGO OID 1.3.6.1.5.5.2 (with tag and length).</summary>
    private static ReadOnlySpan<byte> SpnegoOid => [0x06, 0x06, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x02];

    /// <summary>DER of the NTLM OID 1.3.6.1.4.1.311.2.2.10 (with tag and length).</summary>
    public static ReadOnlySpan<byte> NtlmOid => [0x06, 0x0A, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0A];

    /// <summary>MechTypeList ::= SEQUENCE OF MechType, NTLM only: what the mechListMIC covers (MS-SPNG 3.1.5.1).</summary>
    public static byte[] NtlmMechTypeList => DerWriter.Sequence(NtlmOid.ToArray());

    /// <summary>InitialContextToken { thisMech SPNEGO, NegTokenInit { mechTypes [NTLM], mechToken } }.</summary>
    public static byte[] EncodeInit(ReadOnlySpan<byte> mechToken)
    {
        byte[] negTokenInit = DerWriter.Explicit(0, DerWriter.Sequence(
            DerWriter.Explicit(0, NtlmMechTypeList),
            DerWriter.Explicit(2, DerWriter.OctetString(mechToken))));
        return DerWriter.Element(DerTags.Application0, DerWriter.Concat(SpnegoOid.ToArray(), negTokenInit));
    }

    /// <summary>NegTokenResp with the fields given (the client's later tokens; a server's in tests).</summary>
    public static byte[] EncodeResp(SpnegoNegState? state, bool supportedMechNtlm, ReadOnlySpan<byte> responseToken, ReadOnlySpan<byte> mechListMic)
    {
        var fields = new List<byte[]>();
        if (state is { } negState)
        {
            fields.Add(DerWriter.Explicit(0, DerWriter.Element(DerTags.Enumerated, [(byte)negState])));
        }

        if (supportedMechNtlm)
        {
            fields.Add(DerWriter.Explicit(1, NtlmOid.ToArray()));
        }

        if (!responseToken.IsEmpty)
        {
            fields.Add(DerWriter.Explicit(2, DerWriter.OctetString(responseToken)));
        }

        if (!mechListMic.IsEmpty)
        {
            fields.Add(DerWriter.Explicit(3, DerWriter.OctetString(mechListMic)));
        }

        return DerWriter.Explicit(1, DerWriter.Sequence([.. fields]));
    }

    /// <summary>Decodes a NegTokenResp ([1] of NegotiationToken); fields in order, each checked.</summary>
    public static bool TryDecodeResp(ReadOnlyMemory<byte> token, [NotNullWhen(true)] out SpnegoNegTokenResp? response, out DecodeError error)
    {
        response = null;
        var outer = new DerCursor(token.Span, 0);
        if (!outer.TryReadExplicit(1, "negTokenResp", out DerCursor choice) || !outer.TryEnd("NegotiationToken"))
        {
            error = outer.Error;
            return false;
        }

        if (!choice.TryRead(DerTags.Sequence, "NegTokenResp", out ReadOnlySpan<byte> contents, out int offset) || !choice.TryEnd("negTokenResp"))
        {
            error = choice.Error;
            return false;
        }

        var fields = new DerCursor(contents, offset);
        SpnegoNegState? state = null;
        bool mechPresent = false, mechNtlm = false;
        ReadOnlyMemory<byte>? responseToken = null, mic = null;
        int last = -1;
        while (fields.HasData)
        {
            int tag = fields.PeekTag();
            int number = tag & 0x1F;
            if ((tag & 0xE0) != 0xA0 || number <= last || number > 3)
            {
                error = new DecodeError(DecodeErrorKind.InvalidValue, "NegTokenResp field", fields.Offset, $"tag 0x{tag:x2} after field [{last}]");
                return false;
            }

            last = number;
            if (!fields.TryReadExplicit(number, FieldName(number), out DerCursor field))
            {
                error = fields.Error;
                return false;
            }

            ReadOnlySpan<byte> value;
            int valueOffset;
            bool ok = number switch
            {
                0 => field.TryRead(DerTags.Enumerated, "negState", out value, out valueOffset),
                1 => field.TryRead(DerTags.ObjectIdentifier, "supportedMech", out value, out valueOffset),
                _ => field.TryRead(DerTags.OctetString, FieldName(number), out value, out valueOffset),
            };
            if (!ok || !field.TryEnd(FieldName(number)))
            {
                error = field.Error;
                return false;
            }

            switch (number)
            {
                case 0:
                    if (value.Length != 1 || value[0] > 3)
                    {
                        error = new DecodeError(DecodeErrorKind.InvalidValue, "negState", valueOffset, value.Length == 1 ? $"{value[0]}" : $"{value.Length} octets");
                        return false;
                    }

                    state = (SpnegoNegState)value[0];
                    break;
                case 1:
                    mechPresent = true;
                    mechNtlm = value.SequenceEqual(NtlmOid[2..]);
                    break;
                case 2:
                    responseToken = token.Slice(valueOffset, value.Length);
                    break;
                default:
                    mic = token.Slice(valueOffset, value.Length);
                    break;
            }
        }

        response = new SpnegoNegTokenResp(state, mechPresent, mechNtlm, responseToken, mic);
        error = default;
        return true;
    }

    private static string FieldName(int number) => number switch
    {
        0 => "negState",
        1 => "supportedMech",
        2 => "responseToken",
        _ => "mechListMIC",
    };
}
