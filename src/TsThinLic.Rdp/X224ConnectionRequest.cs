using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.1] Client X.224 Connection Request PDU: TPKT header, X.224 Connection Request TPDU
/// ([X224] 13.3), an optional routing token or "Cookie: mstshash=…" line, and an optional RDP_NEG_REQ
/// ([MS-RDPBCGR 2.2.1.1.1]).
/// </summary>
public sealed class X224ConnectionRequest
{
    /// <summary>X.224 TPDU code of a Connection Request (CR, with CDT 0).</summary>
    public const byte ConnectionRequestCode = 0xE0;

    /// <summary>RDP_NEG_REQ type.</summary>
    public const byte TypeRdpNegReq = 0x01;

    /// <summary>RDP_NEG_REQ length (always 8).</summary>
    public const int NegotiationRequestLength = 1 /* type */ + 1 /* flags */ + 2 /* length */ + 4 /* requestedProtocols */;

    private const int FixedTpduLength = 1 /* LI */ + 1 /* CR CDT */ + 2 /* DST-REF */ + 2 /* SRC-REF */ + 1 /* CLASS OPTION */;
    private const string CookiePrefix = "Cookie: mstshash=";

    public X224ConnectionRequest(string? cookie, NegotiationProtocols? requestedProtocols, byte negotiationFlags = 0)
    {
        if (cookie is not null && (cookie.Contains('\r') || cookie.Contains('\n') || cookie.Length > 127))
        {
            throw new ArgumentException("The cookie must be one short line.", nameof(cookie));
        }

        Cookie = cookie;
        RequestedProtocols = requestedProtocols;
        NegotiationFlags = negotiationFlags;
    }

    /// <summary>The mstshash cookie (user or host name), without prefix and CR LF; null when absent.</summary>
    public string? Cookie { get; }

    /// <summary>requestedProtocols of RDP_NEG_REQ; null when no RDP_NEG_REQ is sent (an RDP 4.0/5.0 client).</summary>
    public NegotiationProtocols? RequestedProtocols { get; }

    /// <summary>flags of RDP_NEG_REQ.</summary>
    public byte NegotiationFlags { get; }

    /// <summary>The whole PDU, TPKT header included.</summary>
    public byte[] ToArray()
    {
        var writer = new RdpWriter(64);
        writer.WriteZeros(Tpkt.HeaderLength);
        int variableLength = (Cookie is null ? 0 : Encoding.ASCII.GetByteCount(CookiePrefix + Cookie) + 2) + (RequestedProtocols is null ? 0 : NegotiationRequestLength);
        writer.WriteByte((byte)(FixedTpduLength - 1 + variableLength)); // LI counts the TPDU header after itself
        writer.WriteByte(ConnectionRequestCode);
        writer.WriteUInt16BigEndian(0); // DST-REF
        writer.WriteUInt16BigEndian(0); // SRC-REF
        writer.WriteByte(0); // CLASS OPTION: class 0
        if (Cookie is not null)
        {
            writer.WriteBytes(Encoding.ASCII.GetBytes(CookiePrefix + Cookie + "\r\n"));
        }

        if (RequestedProtocols is { } protocols)
        {
            writer.WriteByte(TypeRdpNegReq);
            writer.WriteByte(NegotiationFlags);
            writer.WriteUInt16(NegotiationRequestLength);
            writer.WriteUInt32((uint)protocols);
        }

        byte[] packet = writer.ToArray();
        Tpkt.WriteHeader(packet, packet.Length - Tpkt.HeaderLength);
        return packet;
    }

    /// <summary>Decodes a whole packet (TPKT header included).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out X224ConnectionRequest? request, out DecodeError error)
    {
        request = null;
        if (!Tpkt.TryUnwrap(packet, out ReadOnlySpan<byte> tpdu, out error))
        {
            return false;
        }

        var reader = new RdpReader(tpdu, Tpkt.HeaderLength);
        if (!reader.TryReadByte("LI", out byte li))
        {
            error = reader.Error;
            return false;
        }

        if (li != tpdu.Length - 1)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "LI", Tpkt.HeaderLength, $"declares {li}, {tpdu.Length - 1} follow");
            return false;
        }

        if (!reader.TryExpectByte("CR CDT", ConnectionRequestCode) || !reader.TrySkip("DST-REF", 2) || !reader.TrySkip("SRC-REF", 2) || !reader.TrySkip("CLASS OPTION", 1))
        {
            error = reader.Error;
            return false;
        }

        ReadOnlySpan<byte> rest = reader.Rest;
        string? cookie = null;
        int restOffset = reader.Offset;
        if (rest.StartsWith("Cookie: mstshash="u8))
        {
            int end = rest.IndexOf("\r\n"u8);
            if (end < 0)
            {
                error = new DecodeError(DecodeErrorKind.Truncated, "cookie", restOffset, "no CR LF after the cookie");
                return false;
            }

            cookie = Encoding.ASCII.GetString(rest[CookiePrefix.Length..end]);
            restOffset += end + 2;
            rest = rest[(end + 2)..];
        }

        NegotiationProtocols? protocols = null;
        byte flags = 0;
        if (!rest.IsEmpty)
        {
            if (rest.Length != NegotiationRequestLength || rest[0] != TypeRdpNegReq || BinaryPrimitives.ReadUInt16LittleEndian(rest[2..]) != NegotiationRequestLength)
            {
                error = new DecodeError(DecodeErrorKind.InvalidValue, "rdpNegReq", restOffset, "not an 8-byte RDP_NEG_REQ");
                return false;
            }

            flags = rest[1];
            protocols = (NegotiationProtocols)BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
        }

        request = new X224ConnectionRequest(cookie, protocols, flags);
        error = default;
        return true;
    }
}
