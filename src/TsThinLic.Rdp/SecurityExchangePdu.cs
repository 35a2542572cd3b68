using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.10] Client Security Exchange PDU data (TS_SECURITY_PACKET): basic security header with
/// SEC_EXCHANGE_PKT, length, and the client random encrypted with the server's public key (little-endian, followed
/// by 8 zero bytes of padding: [MS-RDPBCGR 5.3.4.1]).
/// </summary>
public sealed class SecurityExchangePdu
{
    /// <summary>The largest encryptedClientRandom accepted (a 16384-bit key plus padding).</summary>
    public const int MaxEncryptedRandomLength = 2048 + 8;

    public SecurityExchangePdu(ReadOnlyMemory<byte> encryptedClientRandom)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(encryptedClientRandom.Length, MaxEncryptedRandomLength, nameof(encryptedClientRandom));
        EncryptedClientRandom = encryptedClientRandom;
    }

    /// <summary>encryptedClientRandom, padding included.</summary>
    public ReadOnlyMemory<byte> EncryptedClientRandom { get; }

    /// <summary>The Send Data payload: security header, length, encrypted random.</summary>
    public byte[] ToArray()
    {
        var writer = new RdpWriter(EncryptedClientRandom.Length + 8);
        writer.WriteUInt16((ushort)SecurityFlags.ExchangePkt);
        writer.WriteUInt16(0); // flagsHi
        writer.WriteUInt32((uint)EncryptedClientRandom.Length);
        writer.WriteBytes(EncryptedClientRandom.Span);
        return writer.ToArray();
    }

    /// <summary>Decodes the Send Data payload.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out SecurityExchangePdu? pdu, out DecodeError error)
    {
        pdu = null;
        var reader = new RdpReader(data);
        if (!reader.TryReadUInt16("flags", out ushort flags) || !reader.TrySkip("flagsHi", 2) || !reader.TryReadUInt32("length", out uint length))
        {
            error = reader.Error;
            return false;
        }

        if ((flags & (ushort)SecurityFlags.ExchangePkt) == 0)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "flags", 0, $"0x{flags:x4} lacks SEC_EXCHANGE_PKT");
            return false;
        }

        if (length > MaxEncryptedRandomLength || length != reader.Remaining)
        {
            error = new DecodeError(DecodeErrorKind.LengthOutOfRange, "length", 4, $"declares {length}, {reader.Remaining} follow");
            return false;
        }

        pdu = new SecurityExchangePdu(data[8..].ToArray());
        error = default;
        return true;
    }
}
