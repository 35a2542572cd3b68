using TsThinLic.Crypto;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Security;

namespace TsThinLic.Emulator;

/// <summary>
/// [MS-RDPELE 5.1.4] Fixed RSA key pairs for the emulated license server: a 512-bit one (the size of a proprietary
/// certificate key, [MS-RDPBCGR 5.3.3.1]) and a 2048-bit one (the size Windows puts in its X.509 chain). Generated
/// once with BouncyCastle's RsaKeyPairGenerator (e = 65537), stored so tests and replays are deterministic; they
/// protect nothing.
/// </summary>
internal static class EmulatorKeys
{
    private const string Modulus512 =
        "B60DE8314F0E6C75674054D501B29BDBB8A4929900AF4305EDF299B626F19545882F268AFB046610AE5C25358D568FE3" +
        "76AA340AD273B8D7C5DC4A5C21AD02F7";

    private const string PrivateExponent512 =
        "0CF5D17D4D24F838A56891817674FA1E7AB7108E9EDB5B389D576374F1B1CA1001CC25A60F9F05F2EEB01EC0070C82E6" +
        "C1336623E38D64C033595F753DB031C1";

    private const string Modulus2048 =
        "8D5FCB3D4C1201785848600249A0B76D1206FC0592914DC524804EF4F7A212945F81E192D188A98025E16B8B88F30C2A" +
        "3571E323B9A7903EF044B00823E3160B63AF71E013E5B77245DBF304E456662E74082C8E8D0961CBAA2BC41F9324DEFF" +
        "BF0744FE38CA2FD72AE90D62727982A25578FC81753B41EC4925A360CDBD49A587DAFFA3E1895554839B3CE4E34F4C9C" +
        "EF84630B528AA836288AC5D57D705998CFD5ACB800BBA66608DE914505E677338F0F9C70B3E15C8E5FF3D09B7A0BCD75" +
        "36BA16BCB905A4B82A19F684F7FEA704F5020EC2892076F68E97154D81BA84850506ABD023AECAFE18C11595BA8BB670" +
        "369E86DD9B8DB47894BCBB8815D2646D";

    private const string PrivateExponent2048 =
        "380F31D4E32ACAA9717C7591C2A777C4C8DEBB25EC8A30C80962D5AC5EDBC6394EABFE8A4D0B3F8760BE03FAC739F56B" +
        "7158F14453D4A5A6C778BD42E51421C42F69BD22A951308EA034092839F126C0A9E329E3F6FA2EECE75446876CBE34AD" +
        "3E0F4064FC98F42282D1FA2C3D0F80E525367E0E49B1CF40C67AA5CFF7956533A33069C539254F3CB756A9CD50872E59" +
        "CF87D2174D1D38E3FC8ED0F4C0202C2744116B98EA3C76C579A6ED183ADE533D27CCBDF2916CA26F6768943E7705668A" +
        "07C5A5655FD62F0FD8EC5636683B3CEF852729DF5B34EB40F211BD5B8D1BB08CA2CA538A64B20DF970D1D484950F1D2A" +
        "40A317ED9BF6735AD4F2E64874E83193";

    private static readonly byte[] s_publicExponent = [0x01, 0x00, 0x01];

    private static readonly Lazy<RsaPrivateKey> s_rsa512 = new(() => Create(Modulus512, PrivateExponent512));
    private static readonly Lazy<RsaPrivateKey> s_rsa2048 = new(() => Create(Modulus2048, PrivateExponent2048));

    /// <summary>512-bit key pair, e = 65537.</summary>
    public static RsaPrivateKey Rsa512 => s_rsa512.Value;

    /// <summary>2048-bit key pair, e = 65537.</summary>
    public static RsaPrivateKey Rsa2048 => s_rsa2048.Value;

    /// <summary>The key the emulated server puts in its proprietary certificate (the 2048-bit pair).</summary>
    public static RsaPrivateKey Proprietary2048 => Rsa2048;

    /// <summary>
    /// [MS-RDPBCGR 2.2.1.4.3.1.1] A proprietary certificate for <paramref name="key"/>, as Windows writes one (RSA1 blob
    /// with 8 bytes of modulus padding), signed with the Terminal Services signing key ([MS-RDPBCGR 5.3.3.1.2]) so a
    /// client's signature check passes.
    /// </summary>
    public static ProprietaryServerCertificate CreateProprietaryCertificate(RsaPrivateKey key, bool issuedPermanently = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        RsaPublicKeyBlob blob = RsaPublicKeyBlob.FromModulus(key.PublicKey.ModulusLittleEndian.Span, checked((uint)key.PublicKey.PublicExponent));

        // The signature covers dwVersion through PublicKeyBlob only, so an unsigned copy yields the signed bytes.
        var unsigned = new ProprietaryServerCertificate(blob, ReadOnlyMemory<byte>.Empty, issuedPermanently);
        byte[] signature = TerminalServicesSigningKey.Sign(unsigned.SignedData.Span, TerminalServicesSigningKey.MaxSignatureBlobLength);
        return new ProprietaryServerCertificate(blob, signature, issuedPermanently);
    }

    /// <summary>The key and certificate of <paramref name="kind"/>; each is built once.</summary>
    public static (RsaPrivateKey Key, ServerCertificate Certificate) ServerCertificate(EmulatedCertificateKind kind) => kind switch
    {
        EmulatedCertificateKind.Proprietary512 => (Rsa512, s_proprietary512.Value),
        EmulatedCertificateKind.X509Chain => (Rsa2048, s_x509Chain.Value),
        _ => (Proprietary2048, s_proprietary2048.Value),
    };

    private static readonly Lazy<ProprietaryServerCertificate> s_proprietary512 = new(() => CreateProprietaryCertificate(Rsa512));
    private static readonly Lazy<ProprietaryServerCertificate> s_proprietary2048 = new(() => CreateProprietaryCertificate(Proprietary2048));
    private static readonly Lazy<X509CertificateChain> s_x509Chain = new(CreateX509Chain);

    /// <summary>The dates every fixed certificate of the emulator carries (UTCTime reaches 2049).</summary>
    internal static readonly DateTimeOffset CertificatesFrom = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static readonly DateTimeOffset CertificatesUntil = new(2049, 12, 31, 23, 59, 59, TimeSpan.Zero);

    /// <summary>
    /// [MS-RDPBCGR 2.2.1.4.3.1] / [MS-RDPELE 2.2.1.4.3.1.1] An X.509 chain as a Windows Server 2008+ terminal server sends
    /// it (CERT_CHAIN_VERSION_2, top bit clear: issued temporarily, as by a server without its own license server
    /// certificate): the license server's self-signed certificate (512-bit key), then the terminal server's (the
    /// 2048-bit key, which encrypts the premaster secret), both sha1RSA with names as license servers write them.
    /// </summary>
    private static X509CertificateChain CreateX509Chain()
    {
        const string Issuer = "TSTHINLIC-LS";
        const string Subject = "TSTHINLIC-RDS";
        byte[] root = SelfSigned(Rsa512, Issuer, serial: 1);
        var leaf = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (leaf.PushSequence())
        {
            CertificateWriter.WriteVersionAndSerial(leaf, 2);
            CertificateWriter.WriteAlgorithm(leaf, CertificateWriter.Sha1RsaOiw);
            CertificateWriter.WriteName(leaf, (Cal.CalName.CommonNameOid, Issuer));
            CertificateWriter.WriteValidity(leaf, CertificatesFrom, CertificatesUntil);
            CertificateWriter.WriteName(leaf, (Cal.CalName.CommonNameOid, Subject));
            CertificateWriter.WritePublicKey(leaf, Rsa2048.PublicKey);
        }

        byte[] server = CertificateWriter.Sign(leaf.Encode(), Rsa512, CertificateWriter.Sha1RsaOiw);
        return new X509CertificateChain([root, server], issuedPermanently: false);
    }

    private static byte[] SelfSigned(RsaPrivateKey key, string name, ulong serial)
    {
        var tbs = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            CertificateWriter.WriteVersionAndSerial(tbs, serial);
            CertificateWriter.WriteAlgorithm(tbs, CertificateWriter.Sha1RsaOiw);
            CertificateWriter.WriteName(tbs, (Cal.CalName.CommonNameOid, name));
            CertificateWriter.WriteValidity(tbs, CertificatesFrom, CertificatesUntil);
            CertificateWriter.WriteName(tbs, (Cal.CalName.CommonNameOid, name));
            CertificateWriter.WritePublicKey(tbs, key.PublicKey);
            using (tbs.PushSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 3, isConstructed: true)))
            using (tbs.PushSequence())
            {
                CertificateWriter.WriteExtension(tbs, CertificateWriter.BasicConstraintsOid, CertificateWriter.CertificateAuthorityConstraints(), critical: true);
            }
        }

        return CertificateWriter.Sign(tbs.Encode(), key, CertificateWriter.Sha1RsaOiw);
    }

    private static RsaPrivateKey Create(string modulusHex, string privateExponentHex)
        => RsaPrivateKey.FromBigEndian(Convert.FromHexString(modulusHex), s_publicExponent, Convert.FromHexString(privateExponentHex));
}
