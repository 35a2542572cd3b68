using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Transport;

/// <summary>How an exchange driven over pipes ended, what crossed the wire, and what was persisted.</summary>
public sealed class LicensingExchangeResult
{
    internal LicensingExchangeResult(
        LicensingOutcome? outcome,
        LicensingFailure? failure,
        IReadOnlyList<LicensingPduRecord> pdus,
        ClientHardwareId hardwareId,
        bool hardwareIdCreated,
        StoredLicense? storedLicense,
        LicenseKey? presentedLicense,
        ServerLicenseRequest? licenseRequest,
        ServerCertificateVerification? certificate)
    {
        Outcome = outcome;
        Failure = failure;
        Pdus = pdus;
        HardwareId = hardwareId;
        HardwareIdCreated = hardwareIdCreated;
        StoredLicense = storedLicense;
        PresentedLicense = presentedLicense;
        LicenseRequest = licenseRequest;
        Certificate = certificate;
    }

    /// <summary>Whether the exchange completed and its result (if any) was persisted.</summary>
    public bool Succeeded => Outcome is not null && Failure is null;

    /// <summary>How it completed, or null when it failed.</summary>
    public LicensingOutcome? Outcome { get; }

    /// <summary>Why it failed, or null.</summary>
    public LicensingFailure? Failure { get; }

    /// <summary>Every licensing PDU in wire order.</summary>
    public IReadOnlyList<LicensingPduRecord> Pdus { get; }

    /// <summary>The HWID the client used.</summary>
    public ClientHardwareId HardwareId { get; }

    /// <summary>Whether that HWID was made for this exchange (this device's first use; it was committed before the exchange began).</summary>
    public bool HardwareIdCreated { get; }

    /// <summary>The CAL persisted by this exchange, if any.</summary>
    public StoredLicense? StoredLicense { get; }

    /// <summary>The CAL presented in LICENSE_INFO, if any.</summary>
    public LicenseKey? PresentedLicense { get; }

    /// <summary>The server's (last) LICENSE_REQUEST, if one arrived.</summary>
    public ServerLicenseRequest? LicenseRequest { get; }

    /// <summary>The verdict on the server certificate, if one was checked.</summary>
    public ServerCertificateVerification? Certificate { get; }
}
