using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Cal;

/// <summary>
/// [MS-RDPELE 2.2.2.9] A client access license (the pbLicenseInfo a license server issues) decoded for people: what
/// the old TSCTST tool showed. The license is a PKCS#7 SignedData that carries certificates only: the license
/// server's chain and the client's leaf, whose names, validity and Microsoft extensions (1.3.6.1.4.1.311.18.x) say
/// who issued what to whom, and whose subject serialNumber hides the client's HWID.
/// </summary>
public sealed class ClientAccessLicense
{
    internal ClientAccessLicense(int certificateCount, CalCertificate leaf)
    {
        CertificateCount = certificateCount;
        Leaf = leaf;
    }

    /// <summary>How many certificates the SignedData carries (the license server's chain plus the client's leaf).</summary>
    public int CertificateCount { get; }

    /// <summary>The client's certificate: the one with the licensed-product-info extension.</summary>
    public CalCertificate Leaf { get; }

    /// <summary>The license ID such as "A02-6.00-S" (the adjusted product ID), or null when the leaf lacks it.</summary>
    public string? LicenseId => Leaf.ProductInfo?.AdjustedProductId;

    /// <summary>Whether the server issued a temporary CAL (TEMPORARY_LICENSE in the product flags).</summary>
    public bool IsTemporary => Leaf.ProductInfo?.ProductVersion.IsTemporary ?? false;

    /// <summary>The license server that issued it: the leaf issuer's CN, else the license-server-info name.</summary>
    public string? Issuer => Leaf.Issuer.CommonName ?? Leaf.ServerInfo?.Name;

    /// <summary>The license server's scope: the leaf issuer's L, else the license-server-info scope.</summary>
    public string? Scope => Leaf.Issuer.Locality ?? Leaf.ServerInfo?.Scope;

    /// <summary>The machine the CAL was issued to (subject CN).</summary>
    public string? IssuedToMachine => Leaf.Subject.CommonName;

    /// <summary>The user the CAL was issued to (subject L).</summary>
    public string? IssuedToUser => Leaf.Subject.Locality;

    /// <summary>The HWID the CAL is bound to, from the subject serialNumber; null when it does not decode.</summary>
    public ClientHardwareId? HardwareId => Leaf.HardwareId;

    /// <summary>Decodes a CAL. Never throws on its bytes: a malformed one gives an error naming the part and offset.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> licenseInfo, [NotNullWhen(true)] out ClientAccessLicense? license, out DecodeError error)
        => ClientAccessLicenseDecoder.TryDecode(licenseInfo, out license, out error);
}
