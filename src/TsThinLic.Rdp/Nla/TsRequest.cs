using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Nla;

/// <summary>
/// [MS-CSSP 2.2.1] TSRequest, the one message of CredSSP:
/// <code>
/// TSRequest ::= SEQUENCE {
///     version     [0] INTEGER,
///     negoTokens  [1] NegoData OPTIONAL,     -- NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
///     authInfo    [2] OCTET STRING OPTIONAL,
///     pubKeyAuth  [3] OCTET STRING OPTIONAL,
///     errorCode   [4] INTEGER OPTIONAL,      -- version 3 and later
///     clientNonce [5] OCTET STRING OPTIONAL  -- version 5 and later
/// }
/// </code>
/// Fields come in this order; an unknown later field ([6] and up) is skipped, anything else out of place is an error.
/// </summary>
public sealed class TsRequest
{
    /// <summary>The largest TSRequest accepted: an NTLM message is at most <c>16 KiB</c> here, a certificate-sized pubKeyAuth a few KiB.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>The most negoTokens accepted (CredSSP sends one).</summary>
    public const int MaxNegoTokens = 8;

    /// <summary>clientNonce is 32 bytes ([MS-CSSP 2.2.1]).</summary>
    public const int ClientNonceLength = 32;

    public TsRequest(int version, IReadOnlyList<ReadOnlyMemory<byte>>? negoTokens = null, ReadOnlyMemory<byte>? authInfo = null, ReadOnlyMemory<byte>? pubKeyAuth = null, int? errorCode = null, ReadOnlyMemory<byte>? clientNonce = null)
    {
        Version = version;
        NegoTokens = negoTokens ?? [];
        AuthInfo = authInfo;
        PubKeyAuth = pubKeyAuth;
        ErrorCode = errorCode;
        ClientNonce = clientNonce;
    }

    /// <summary>version.</summary>
    public int Version { get; }

    /// <summary>negoTokens (each negoToken), empty when absent.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> NegoTokens { get; }

    /// <summary>authInfo: the sealed TSCredentials.</summary>
    public ReadOnlyMemory<byte>? AuthInfo { get; }

    /// <summary>pubKeyAuth: the sealed public key (versions 2-4) or binding hash (5 and later).</summary>
    public ReadOnlyMemory<byte>? PubKeyAuth { get; }

    /// <summary>errorCode: an NTSTATUS (or HRESULT) the server reports.</summary>
    public int? ErrorCode { get; }

    /// <summary>clientNonce.</summary>
    public ReadOnlyMemory<byte>? ClientNonce { get; }

    public byte[] ToArray()
    {
        var fields = new List<byte[]> { DerWriter.Explicit(0, DerWriter.Integer(Version)) };
        if (NegoTokens.Count > 0)
        {
            var items = new byte[NegoTokens.Count][];
            for (int i = 0; i < items.Length; i++)
            {
                items[i] = DerWriter.Sequence(DerWriter.Explicit(0, DerWriter.OctetString(NegoTokens[i].Span)));
            }

            fields.Add(DerWriter.Explicit(1, DerWriter.Sequence(items)));
        }

        if (AuthInfo is { } authInfo)
        {
            fields.Add(DerWriter.Explicit(2, DerWriter.OctetString(authInfo.Span)));
        }

        if (PubKeyAuth is { } pubKeyAuth)
        {
            fields.Add(DerWriter.Explicit(3, DerWriter.OctetString(pubKeyAuth.Span)));
        }

        if (ErrorCode is { } errorCode)
        {
            fields.Add(DerWriter.Explicit(4, DerWriter.Integer(errorCode)));
        }

        if (ClientNonce is { } nonce)
        {
            fields.Add(DerWriter.Explicit(5, DerWriter.OctetString(nonce.Span)));
        }

        return DerWriter.Sequence([.. fields]);
    }

    /// <summary>
    /// Finds one TSRequest at the start of <paramref name="buffer"/> (a DER SEQUENCE). Its declared length is checked
    /// against <see cref="MaxLength"/> as soon as the header is there, before waiting for the body.
    /// </summary>
    public static DecodeStatus TryReadFrame(ReadOnlySpan<byte> buffer, out int length, out DecodeError error)
    {
        length = 0;
        error = default;
        if (buffer.Length < 2)
        {
            return DecodeStatus.NeedMoreData;
        }

        if (buffer[0] != DerTags.Sequence)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "TSRequest", 0, $"tag 0x{buffer[0]:x2}, a TSRequest is a SEQUENCE (0x30)");
            return DecodeStatus.Invalid;
        }

        int contents;
        int header = 2;
        if (buffer[1] < 0x80)
        {
            contents = buffer[1];
        }
        else
        {
            int octets = buffer[1] & 0x7F;
            if (octets is 0 or > 3)
            {
                error = new DecodeError(DecodeErrorKind.InvalidValue, "TSRequest length", 1, $"length form 0x{buffer[1]:x2}");
                return DecodeStatus.Invalid;
            }

            if (buffer.Length < 2 + octets)
            {
                return DecodeStatus.NeedMoreData;
            }

            contents = 0;
            for (int i = 0; i < octets; i++)
            {
                contents = (contents << 8) | buffer[2 + i];
            }

            header += octets;
            if (contents < 0x80 || contents >> (8 * (octets - 1)) == 0)
            {
                error = new DecodeError(DecodeErrorKind.InvalidValue, "TSRequest length", 1, $"length {contents} in {octets} octets is not DER's shortest form");
                return DecodeStatus.Invalid;
            }
        }

        if (header + contents > MaxLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "TSRequest length", 1, $"declares {header + contents} bytes, more than {MaxLength}");
            return DecodeStatus.Invalid;
        }

        length = header + contents;
        return buffer.Length >= length ? DecodeStatus.Complete : DecodeStatus.NeedMoreData;
    }

    /// <summary>Decodes one whole TSRequest (nothing may follow it).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out TsRequest? request, out DecodeError error)
    {
        request = null;
        if (data.Length > MaxLength)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "TSRequest", 0, $"{data.Length} bytes, more than {MaxLength}");
            return false;
        }

        var outer = new DerCursor(data.Span, 0);
        if (!outer.TryRead(DerTags.Sequence, "TSRequest", out _, out int sequenceOffset) || !outer.TryEnd("TSRequest"))
        {
            error = outer.Error;
            return false;
        }

        ReadOnlySpan<byte> contents = data.Span[sequenceOffset..];
        var fields = new DerCursor(contents, sequenceOffset);
        if (!fields.TryReadExplicit(0, "version", out DerCursor versionField))
        {
            error = fields.Error;
            return false;
        }

        if (!versionField.TryReadInt32("version", out int version) || !versionField.TryEnd("version"))
        {
            error = versionField.Error;
            return false;
        }

        if (version < 0)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "version", sequenceOffset, $"{version}");
            return false;
        }

        var tokens = new List<ReadOnlyMemory<byte>>();
        ReadOnlyMemory<byte>? authInfo = null, pubKeyAuth = null, clientNonce = null;
        int? errorCode = null;
        int lastField = 0;
        while (fields.HasData)
        {
            int tag = fields.PeekTag();
            int number = tag & 0x1F;
            if ((tag & 0xE0) != 0xA0 || number <= lastField)
            {
                error = new DecodeError(DecodeErrorKind.InvalidValue, "TSRequest field", fields.Offset, $"tag 0x{tag:x2} after field [{lastField}]");
                return false;
            }

            lastField = number;
            int fieldOffset = fields.Offset;
            switch (number)
            {
                case 1:
                    if (!fields.TryReadExplicit(1, "negoTokens", out DerCursor negoData))
                    {
                        error = fields.Error;
                        return false;
                    }

                    if (!TryReadNegoData(ref negoData, data, tokens, out error))
                    {
                        return false;
                    }

                    break;
                case 2:
                    if (!TryReadOctetString(ref fields, 2, "authInfo", data, out authInfo, out error))
                    {
                        return false;
                    }

                    break;
                case 3:
                    if (!TryReadOctetString(ref fields, 3, "pubKeyAuth", data, out pubKeyAuth, out error))
                    {
                        return false;
                    }

                    break;
                case 4:
                    if (!fields.TryReadExplicit(4, "errorCode", out DerCursor errorField))
                    {
                        error = fields.Error;
                        return false;
                    }

                    if (!errorField.TryReadInt32("errorCode", out int code) || !errorField.TryEnd("errorCode"))
                    {
                        error = errorField.Error;
                        return false;
                    }

                    errorCode = code;
                    break;
                case 5:
                    if (!TryReadOctetString(ref fields, 5, "clientNonce", data, out clientNonce, out error))
                    {
                        return false;
                    }

                    if (clientNonce is not { Length: ClientNonceLength })
                    {
                        error = new DecodeError(DecodeErrorKind.InvalidValue, "clientNonce", fieldOffset, $"{clientNonce?.Length} bytes, not {ClientNonceLength}");
                        return false;
                    }

                    break;
                default:
                    // A field of a later version: skipped whole, its length checked.
                    if (!fields.TryRead((byte)tag, $"TSRequest field [{number}]", out _, out _))
                    {
                        error = fields.Error;
                        return false;
                    }

                    break;
            }
        }

        request = new TsRequest(version, tokens, authInfo, pubKeyAuth, errorCode, clientNonce);
        error = default;
        return true;
    }

    private static bool TryReadOctetString(ref DerCursor fields, int number, string name, ReadOnlyMemory<byte> data, out ReadOnlyMemory<byte>? value, out DecodeError error)
    {
        value = null;
        if (!fields.TryReadExplicit(number, name, out DerCursor field))
        {
            error = fields.Error;
            return false;
        }

        if (!field.TryRead(DerTags.OctetString, name, out ReadOnlySpan<byte> contents, out int offset) || !field.TryEnd(name))
        {
            error = field.Error;
            return false;
        }

        value = data.Slice(offset, contents.Length);
        error = default;
        return true;
    }

    private static bool TryReadNegoData(ref DerCursor negoData, ReadOnlyMemory<byte> data, List<ReadOnlyMemory<byte>> tokens, out DecodeError error)
    {
        if (!negoData.TryRead(DerTags.Sequence, "NegoData", out ReadOnlySpan<byte> items, out int itemsOffset) || !negoData.TryEnd("negoTokens"))
        {
            error = negoData.Error;
            return false;
        }

        var list = new DerCursor(items, itemsOffset);
        while (list.HasData)
        {
            if (tokens.Count == MaxNegoTokens)
            {
                error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "NegoData", list.Offset, $"more than {MaxNegoTokens} negoTokens");
                return false;
            }

            if (!list.TryRead(DerTags.Sequence, "NegoDataItem", out ReadOnlySpan<byte> item, out int itemOffset))
            {
                error = list.Error;
                return false;
            }

            var itemCursor = new DerCursor(item, itemOffset);
            if (!TryReadOctetString(ref itemCursor, 0, "negoToken", data, out ReadOnlyMemory<byte>? token, out error))
            {
                return false;
            }

            if (!itemCursor.TryEnd("NegoDataItem"))
            {
                error = itemCursor.Error;
                return false;
            }

            tokens.Add(token!.Value);
        }

        error = default;
        return true;
    }
}
