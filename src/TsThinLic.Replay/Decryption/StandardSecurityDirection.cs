using System.Buffers.Binary;
using TsThinLic.Rdp.Security;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// One direction of a captured Standard RDP Security connection: every encrypted PDU, slow-path and fast-path, in
/// stream order (the RC4 state and the FIPS CBC chain run across all of them), each MAC checked. Keeps counts for the
/// report and says which PDUs were wrong.
/// </summary>
internal sealed class StandardSecurityDirection(bool fromClient, StandardSecurityCipher cipher, bool encryptionRequired)
{
    // [MS-RDPBCGR 2.2.8.1.1.2.1]
    private const ushort SecEncrypt = 0x0008;
    private const ushort SecExchangePkt = 0x0001;
    private const ushort SecLicensePkt = 0x0080;

    /// <summary>Who sent what this decrypts.</summary>
    public bool FromClient => fromClient;

    /// <summary>
    /// The level requires this direction to be encrypted ([MS-RDPBCGR 5.3.2]: client to server from
    /// ENCRYPTION_LEVEL_LOW, server to client from CLIENT_COMPATIBLE).
    /// </summary>
    public bool EncryptionRequired => encryptionRequired;

    /// <summary>PDUs decrypted with a MAC that verified.</summary>
    public int Verified { get; private set; }

    /// <summary>PDUs whose MAC did not verify (or that were too short to hold one).</summary>
    public int Failed { get; private set; }

    /// <summary>
    /// The user data of a slow-path PDU (MCS Send Data), opened when SEC_ENCRYPT is set: the basic security header
    /// with SEC_ENCRYPT cleared, then the cleartext. <paramref name="problem"/> says what was wrong, if anything.
    /// </summary>
    public ReadOnlyMemory<byte> OpenSlowPath(ReadOnlyMemory<byte> userData, out bool decrypted, out string? problem)
    {
        decrypted = false;
        problem = null;
        ReadOnlySpan<byte> data = userData.Span;
        if (data.Length < 4)
        {
            return userData;
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if ((flags & SecEncrypt) == 0)
        {
            if (encryptionRequired && (flags & (SecLicensePkt | SecExchangePkt)) == 0)
            {
                problem = "is in clear (no SEC_ENCRYPT) though the connection's encryption level requires encryption";
            }

            return userData;
        }

        decrypted = true;
        if (cipher.IsFips && data.Length >= 8 && (BinaryPrimitives.ReadUInt16LittleEndian(data[4..]) != 0x0010 || data[6] != 1))
        {
            // [MS-RDPBCGR 2.2.8.1.1.2.3] TS_SECURITY_HEADER2: length 0x10, version TSFIPS_VERSION1; the MAC does not cover them.
            problem = $"has a FIPS security header with length 0x{BinaryPrimitives.ReadUInt16LittleEndian(data[4..]):x4} and version {data[6]} (0x0010 and 1 expected)";
        }

        if (cipher.TryOpen(data, out byte[] payload))
        {
            Verified++;
            return payload;
        }

        Failed++;
        problem ??= payload.Length == 0
            ? "is too short for its security header"
            : "does not decrypt to a verified MAC: it was altered, or the keys are wrong";
        return payload.Length == 0 ? userData : payload;
    }

    /// <summary>
    /// A fast-path PDU ([MS-RDPBCGR 2.2.9.1.2] output, [2.2.8.1.2] input): when its header says FASTPATH_*_ENCRYPTED,
    /// the body after the length is opened (so the cipher state stays in step); the content itself is not needed.
    /// </summary>
    public string? OpenFastPath(ReadOnlySpan<byte> pdu, int headerLength)
    {
        byte flags = (byte)(pdu[0] >> 6);
        if ((flags & 0x2) == 0)
        {
            return encryptionRequired ? "is a fast-path PDU in clear though the connection's encryption level requires encryption" : null;
        }

        // [MS-RDPBCGR 2.2.9.1.2] fipsInformation: length 0x10, version TSFIPS_VERSION1; the MAC does not cover them.
        string? headerProblem = cipher.IsFips && pdu.Length >= headerLength + 4 && (BinaryPrimitives.ReadUInt16LittleEndian(pdu[headerLength..]) != 0x0010 || pdu[headerLength + 2] != 1)
            ? "is a fast-path PDU whose fipsInformation is not length 0x0010, version 1"
            : null;
        if (cipher.TryOpenFastPath(pdu[headerLength..], (flags & 0x1) != 0, out _))
        {
            Verified++;
            return headerProblem;
        }

        Failed++;
        return headerProblem ?? "is a fast-path PDU whose MAC does not verify: it was altered, or the keys are wrong";
    }
}
