using System.Buffers.Binary;

namespace TsThinLic.Replay.Capture;

/// <summary>
/// [MS-RDPBCGR 2.2.1.4.3] Server Security Data (TS_UD_SC_SEC1) found in an MCS Connect Response: header type
/// SC_SECURITY (0x0C02), length, encryptionMethod, encryptionLevel, serverRandomLen, serverCertLen, serverRandom,
/// serverCertificate. The licensing client falls back to this certificate when LICENSE_REQUEST carries none
/// ([MS-RDPELE 2.2.2.1]). Found by scanning the Connect Response's user data for a block whose every length agrees,
/// rather than decoding the BER/PER layers above it: only this block is needed, and a wrong guess cannot pass the checks.
/// </summary>
/// <param name="EncryptionMethod">encryptionMethod.</param>
/// <param name="EncryptionLevel">encryptionLevel (0 none … 4 FIPS).</param>
/// <param name="ServerRandom">serverRandom (32 bytes, or empty when there is no encryption).</param>
/// <param name="ServerCertificate">serverCertificate as on the wire (proprietary or X.509 chain), or empty.</param>
public sealed record GccServerSecurityData(uint EncryptionMethod, uint EncryptionLevel, ReadOnlyMemory<byte> ServerRandom, ReadOnlyMemory<byte> ServerCertificate)
{
    /// <summary>SC_SECURITY.</summary>
    public const ushort ScSecurity = 0x0c02;

    private const int ShortLength = 2 /* type */ + 2 /* length */ + 4 /* encryptionMethod */ + 4 /* encryptionLevel */;
    private const int FullHeaderLength = ShortLength + 4 /* serverRandomLen */ + 4 /* serverCertLen */;

    /// <summary>Whether an MCS PDU (the user data of an X.224 Data TPDU) is a Connect Response ([T.125]: BER tag [APPLICATION 102], 7F 66).</summary>
    public static bool IsConnectResponse(ReadOnlySpan<byte> mcs) => mcs.Length >= 2 && mcs[0] == 0x7f && mcs[1] == 0x66;

    /// <summary>Finds the block in a Connect Response; false when none has consistent lengths.</summary>
    public static bool TryFind(ReadOnlyMemory<byte> connectResponse, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GccServerSecurityData? data)
    {
        data = null;
        ReadOnlySpan<byte> span = connectResponse.Span;
        for (int offset = 0; offset + ShortLength <= span.Length; offset++)
        {
            if (BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]) != ScSecurity)
            {
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 2)..]);
            uint method = BinaryPrimitives.ReadUInt32LittleEndian(span[(offset + 4)..]);
            uint level = BinaryPrimitives.ReadUInt32LittleEndian(span[(offset + 8)..]);
            // ENCRYPTION_METHOD_NONE/40BIT/128BIT/56BIT/FIPS and ENCRYPTION_LEVEL_NONE..FIPS are the only values.
            if (length < ShortLength || length > span.Length - offset || method is not (0 or 1 or 2 or 8 or 0x10) || level > 4)
            {
                continue;
            }

            if (length == ShortLength)
            {
                data = new GccServerSecurityData(method, level, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);
                return true;
            }

            if (length < FullHeaderLength)
            {
                continue;
            }

            uint randomLength = BinaryPrimitives.ReadUInt32LittleEndian(span[(offset + 12)..]);
            uint certificateLength = BinaryPrimitives.ReadUInt32LittleEndian(span[(offset + 16)..]);
            if (randomLength is not (0 or 32) || certificateLength > (uint)(length - FullHeaderLength) || FullHeaderLength + randomLength + certificateLength != length)
            {
                continue;
            }

            int randomAt = offset + FullHeaderLength;
            data = new GccServerSecurityData(
                method,
                level,
                connectResponse.Slice(randomAt, (int)randomLength),
                connectResponse.Slice(randomAt + (int)randomLength, (int)certificateLength));
            return true;
        }

        return false;
    }
}
