using System.Buffers.Binary;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Security;

/// <summary>
/// [MS-RDPBCGR 2.2.8.1.1.2] The security headers of Standard RDP Security around one Send Data payload, the same for
/// either side: the basic header (TS_SECURITY_HEADER: flags, flagsHi) alone, or with SEC_ENCRYPT the non-FIPS header
/// (TS_SECURITY_HEADER1: + dataSignature) or the FIPS one (TS_SECURITY_HEADER2: + length, version, padlen,
/// dataSignature), with the data encrypted and signed by the side's <see cref="StandardSecurityCipher"/>.
/// </summary>
public static class SecurityHeaderCodec
{
    /// <summary>TS_SECURITY_HEADER1: basic header (4) + dataSignature (8).</summary>
    public const int NonFipsHeaderLength = SecurityHeader.Length + StandardSecurityCipher.SignatureLength;

    /// <summary>TS_SECURITY_HEADER2: basic header (4) + length (2) + version (1) + padlen (1) + dataSignature (8).</summary>
    public const int FipsHeaderLength = SecurityHeader.Length + 2 + 1 + 1 + StandardSecurityCipher.SignatureLength;

    /// <summary>
    /// A security header with <paramref name="flags"/>, then <paramref name="data"/>: in the clear behind a basic header
    /// when <paramref name="cipher"/> is null, else encrypted and signed (SEC_ENCRYPT added).
    /// </summary>
    public static byte[] Seal(StandardSecurityCipher? cipher, SecurityFlags flags, ReadOnlySpan<byte> data)
    {
        var writer = new RdpWriter(data.Length + FipsHeaderLength + 8);
        if (cipher is null)
        {
            writer.WriteUInt16((ushort)flags);
            writer.WriteUInt16(0);
            writer.WriteBytes(data);
            return writer.ToArray();
        }

        writer.WriteUInt16((ushort)(flags | SecurityFlags.Encrypt));
        writer.WriteUInt16(0);
        int padding = cipher.GetPaddingLength(data.Length);
        if (cipher.IsFips)
        {
            // [MS-RDPBCGR 2.2.8.1.1.2.3] TS_SECURITY_HEADER2: length 0x10, version TSFIPS_VERSION1, padlen.
            writer.WriteUInt16(0x0010);
            writer.WriteByte(0x01);
            writer.WriteByte((byte)padding);
        }

        byte[] signature = new byte[StandardSecurityCipher.SignatureLength];
        byte[] encrypted = new byte[data.Length + padding];
        cipher.Encrypt(data, signature, encrypted);
        writer.WriteBytes(signature);
        writer.WriteBytes(encrypted);
        return writer.ToArray();
    }

    /// <summary>
    /// Opens a payload that starts with a security header. Without SEC_ENCRYPT it is returned as it is; with it the data
    /// is decrypted and its MAC checked (salted when SEC_SECURE_CHECKSUM is set), and the result is the basic header
    /// (SEC_ENCRYPT cleared, flagsHi kept) followed by the cleartext. False, never an exception, when the payload is
    /// shorter than its header, is encrypted while <paramref name="cipher"/> is null, or fails its MAC.
    /// </summary>
    public static bool TryOpen(StandardSecurityCipher? cipher, ReadOnlySpan<byte> data, out SecurityFlags flags, out byte[] payload)
    {
        payload = [];
        flags = SecurityFlags.None;
        if (data.Length < SecurityHeader.Length)
        {
            return false;
        }

        flags = (SecurityFlags)BinaryPrimitives.ReadUInt16LittleEndian(data);
        if ((flags & SecurityFlags.Encrypt) == 0)
        {
            payload = data.ToArray();
            return true;
        }

        if (cipher is null)
        {
            return false;
        }

        // The cipher opens it (StandardSecurityCipher.TryOpen): one reading of TS_SECURITY_HEADER1/2 for both sides.
        if (!cipher.TryOpen(data, out payload))
        {
            payload = [];
            return false;
        }

        return true;
    }
}
