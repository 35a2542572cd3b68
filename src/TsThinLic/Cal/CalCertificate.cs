using TsThinLic.Pdu;

namespace TsThinLic.Cal;

/// <summary>One X.509 certificate of a CAL, with the fields a field engineer reads.</summary>
public sealed class CalCertificate
{
    internal CalCertificate(
        ReadOnlyMemory<byte> serialNumber,
        string signatureAlgorithm,
        CalName issuer,
        CalName subject,
        DateTimeOffset? notBefore,
        DateTimeOffset? notAfter,
        uint? certificateVersion,
        string? manufacturer,
        LicensedProductInfo? productInfo,
        LicenseServerInfo? serverInfo,
        ClientHardwareId? hardwareId)
    {
        SerialNumber = serialNumber;
        SignatureAlgorithm = signatureAlgorithm;
        Issuer = issuer;
        Subject = subject;
        NotBefore = notBefore;
        NotAfter = notAfter;
        CertificateVersion = certificateVersion;
        Manufacturer = manufacturer;
        ProductInfo = productInfo;
        ServerInfo = serverInfo;
        HardwareId = hardwareId;
    }

    /// <summary>serialNumber of the TBSCertificate, as its INTEGER bytes.</summary>
    public ReadOnlyMemory<byte> SerialNumber { get; }

    /// <summary>The signature algorithm OID (1.3.14.3.2.29, the old OIW sha1RSA, on CALs).</summary>
    public string SignatureAlgorithm { get; }

    public CalName Issuer { get; }

    public CalName Subject { get; }

    /// <summary>notBefore: when the CAL was issued.</summary>
    public DateTimeOffset? NotBefore { get; }

    /// <summary>notAfter: when it expires.</summary>
    public DateTimeOffset? NotAfter { get; }

    /// <summary>The certificate version extension (1.3.6.1.4.1.311.18.4), e.g. 0x00050001.</summary>
    public uint? CertificateVersion { get; }

    /// <summary>The manufacturer extension (1.3.6.1.4.1.311.18.2), e.g. "Microsoft Corporation".</summary>
    public string? Manufacturer { get; }

    /// <summary>The licensed-product-info extension (1.3.6.1.4.1.311.18.5).</summary>
    public LicensedProductInfo? ProductInfo { get; }

    /// <summary>The license-server-info extension (1.3.6.1.4.1.311.18.6).</summary>
    public LicenseServerInfo? ServerInfo { get; }

    /// <summary>The HWID hidden in the subject serialNumber (see <see cref="CalHardwareId"/>).</summary>
    public ClientHardwareId? HardwareId { get; }
}
