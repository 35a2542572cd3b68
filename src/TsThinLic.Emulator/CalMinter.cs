using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Text;
using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Rdp.Security;

namespace TsThinLic.Emulator;

/// <summary>
/// Mints CALs built like a Windows license server's ([MS-RDPELE 2.2.2.9], and the layout of real CALs): a PKCS#7
/// SignedData carrying the license server's self-signed certificate and the client's leaf. The leaf has the names as
/// BMPStrings in one multi-valued RDN (CN machine, L user, serialNumber the obfuscated HWID), the OIW sha1RSA
/// signature OID, and the Microsoft extensions 1.3.6.1.4.1.311.18.4 / .2 / .5 / .6. Signed with the emulator's key,
/// so <see cref="ClientAccessLicense"/> reads it exactly as it reads a real one.
/// </summary>
internal sealed class CalMinter
{
    private const string Sha1RsaOiw = CertificateWriter.Sha1RsaOiw;
    private const string CertificateVersionOid = "1.3.6.1.4.1.311.18.4";
    private const string ManufacturerOid = "1.3.6.1.4.1.311.18.2";
    private const string LicensedProductInfoOid = "1.3.6.1.4.1.311.18.5";
    private const string LicenseServerInfoOid = "1.3.6.1.4.1.311.18.6";
    private const uint StructureVersion = 0x00003000;

    private readonly RsaPrivateKey _serverKey;
    private readonly RsaPublicKey _clientKey;
    private readonly byte[] _serverCertificate;

    public CalMinter(RsaPrivateKey serverKey, RsaPublicKey clientKey, string serverName, string serverId, string scope, DateTimeOffset serverCertificateFrom)
    {
        _serverKey = serverKey;
        _clientKey = clientKey;
        ServerName = serverName;
        ServerId = serverId;
        Scope = scope;
        _serverCertificate = Sign(ServerTbs(serverCertificateFrom));
    }

    public string ServerName { get; }

    public string ServerId { get; }

    public string Scope { get; }

    /// <summary>A CAL for one client.</summary>
    public byte[] Mint(CalMintRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] leaf = Sign(LeafTbs(request));

        // ContentInfo { signedData, [0] SignedData { 1, {}, { data }, [0] certificates, {} } }: no signers, as on
        // every CAL seen.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.7.2");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                using (writer.PushSetOf())
                {
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.2.840.113549.1.7.1");
                }

                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteEncodedValue(_serverCertificate);
                    writer.WriteEncodedValue(leaf);
                }

                using (writer.PushSetOf())
                {
                }
            }
        }

        return writer.Encode();
    }

    private byte[] ServerTbs(DateTimeOffset from)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            CertificateWriter.WriteVersionAndSerial(writer, 1);
            CertificateWriter.WriteAlgorithm(writer, Sha1RsaOiw);
            CertificateWriter.WriteName(writer, (CalName.CommonNameOid, ServerName), (CalName.LocalityOid, Scope));
            CertificateWriter.WriteValidity(writer, from, from.AddYears(20));
            CertificateWriter.WriteName(writer, (CalName.CommonNameOid, ServerName), (CalName.LocalityOid, Scope));
            CertificateWriter.WritePublicKey(writer, _serverKey.PublicKey);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
            using (writer.PushSequence())
            {
                WriteExtension(writer, CertificateWriter.BasicConstraintsOid, CertificateWriter.CertificateAuthorityConstraints());
            }
        }

        return writer.Encode();
    }

    private byte[] LeafTbs(CalMintRequest request)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            CertificateWriter.WriteVersionAndSerial(writer, request.SerialNumber);
            CertificateWriter.WriteAlgorithm(writer, Sha1RsaOiw);
            CertificateWriter.WriteName(writer, (CalName.CommonNameOid, ServerName), (CalName.LocalityOid, Scope));
            CertificateWriter.WriteValidity(writer, request.NotBefore, request.NotAfter);
            CertificateWriter.WriteName(
                writer,
                (CalName.CommonNameOid, request.MachineName),
                (CalName.LocalityOid, request.UserName),
                (CalName.SerialNumberOid, CalHardwareId.Encode(request.HardwareId)));
            CertificateWriter.WritePublicKey(writer, _clientKey);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
            using (writer.PushSequence())
            {
                byte[] version = new byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(version, 0x00050001);
                WriteExtension(writer, CertificateVersionOid, version);
                WriteExtension(writer, ManufacturerOid, UnicodeZ("Microsoft Corporation"));
                WriteExtension(writer, LicensedProductInfoOid, ProductInfo(request));
                WriteExtension(writer, LicenseServerInfoOid, ServerInfo());
            }
        }

        return writer.Encode();
    }

    // Layout as read by ClientAccessLicenseDecoder: header, then the two product IDs, then 12-byte version entries.
    private static byte[] ProductInfo(CalMintRequest request)
    {
        byte[] requested = UnicodeZ(request.RequestedProductId);
        byte[] adjusted = UnicodeZ(request.LicenseId);
        const int HeaderLength = 28;
        int versionOffset = HeaderLength + requested.Length + adjusted.Length;
        byte[] value = new byte[versionOffset + 12];
        Span<byte> span = value;
        BinaryPrimitives.WriteUInt32LittleEndian(span, StructureVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 1); // dwQuantity
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], request.HardwareId.PlatformId);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], 0x00000409); // dwLanguageID
        BinaryPrimitives.WriteUInt16LittleEndian(span[16..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(span[18..], (ushort)requested.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], (ushort)(HeaderLength + requested.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], (ushort)adjusted.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[24..], (ushort)versionOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(span[26..], 1);
        requested.CopyTo(span[HeaderLength..]);
        adjusted.CopyTo(span[(HeaderLength + requested.Length)..]);
        uint flags = LicensedProductVersion.Rtm | LicensedProductVersion.Enforced | (request.Temporary ? LicensedProductVersion.TemporaryLicense : 0);
        BinaryPrimitives.WriteUInt16LittleEndian(span[versionOffset..], request.MajorVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(versionOffset + 2)..], request.MinorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(versionOffset + 4)..], flags);
        return value;
    }

    private byte[] ServerInfo()
    {
        byte[] name = UnicodeZ(ServerName);
        byte[] id = UnicodeZ(ServerId);
        byte[] scope = UnicodeZ(Scope);
        const int HeaderLength = 10;
        byte[] value = new byte[HeaderLength + name.Length + id.Length + scope.Length + 2];
        Span<byte> span = value;
        BinaryPrimitives.WriteUInt32LittleEndian(span, StructureVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)(name.Length + id.Length));
        name.CopyTo(span[HeaderLength..]);
        id.CopyTo(span[(HeaderLength + name.Length)..]);
        scope.CopyTo(span[(HeaderLength + name.Length + id.Length)..]);
        return value;
    }

    private byte[] Sign(byte[] tbs) => CertificateWriter.Sign(tbs, _serverKey, Sha1RsaOiw);

    // License servers mark every extension critical.
    private static void WriteExtension(AsnWriter writer, string oid, byte[] value) => CertificateWriter.WriteExtension(writer, oid, value, critical: true);

    private static byte[] UnicodeZ(string value) => Encoding.Unicode.GetBytes(value + "\0");
}
