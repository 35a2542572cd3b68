using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Tls;
using TsThinLic.Records;
using TsThinLic.Transport;

namespace TsThinLic.Rdp.Connection;

/// <summary>What a probe saw: the negotiation, the server's data and certificates, the licensing exchange and its verdict, and the time each phase took.</summary>
public sealed class ProbeResult
{
    internal ProbeResult(string host, int port)
    {
        Host = host;
        Port = port;
    }

    /// <summary>The server's host.</summary>
    public string Host { get; }

    /// <summary>The server's port.</summary>
    public int Port { get; }

    /// <summary>The licensing verdict when it succeeded.</summary>
    public LicensingOutcome? Outcome { get; internal set; }

    /// <summary>Why it failed, when it did.</summary>
    public ConnectionFailure? Failure { get; internal set; }

    /// <summary>Whether licensing completed (and, with a store, the result was persisted).</summary>
    public bool Succeeded => Outcome is not null && Failure is null;

    /// <summary>The server's verdict after licensing (Demand Active, Set Error Info, disconnect, timeout), when licensing completed.</summary>
    public ServerVerdict? Verdict { get; internal set; }

    /// <summary>Whether licensing completed and the server then accepted the client (Demand Active).</summary>
    public bool Accepted => Succeeded && Verdict is { Accepted: true };

    /// <summary>errorInfo of a non-zero Set Error Info PDU the server sent, if any.</summary>
    public uint? ErrorInfo { get; internal set; }

    /// <summary>requestedProtocols of the last attempt.</summary>
    public NegotiationProtocols RequestedProtocols { get; internal set; }

    /// <summary>Whether auto mode fell back from TLS to Standard RDP Security.</summary>
    public bool FellBackToStandardSecurity { get; internal set; }

    /// <summary>Whether auto mode went on to Network Level Authentication because the server requires it.</summary>
    public bool SwitchedToNla { get; internal set; }

    /// <summary>Token formats tried before the last attempt's (raw NTLM, when the server then got SPNEGO).</summary>
    public List<NlaTokenFormat> NlaAttempts { get; } = [];

    /// <summary>What Network Level Authentication did, when it ran.</summary>
    public NlaReport? Nla { get; internal set; }

    /// <summary>Whether the channel joins were skipped (RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED).</summary>
    public bool ChannelJoinsSkipped { get; internal set; }

    /// <summary>The server's selected protocol.</summary>
    public NegotiationProtocols? SelectedProtocol { get; internal set; }

    /// <summary>TLS protocol version, when TLS was used.</summary>
    public string? TlsVersion { get; internal set; }

    /// <summary>TLS cipher suite number, when TLS was used.</summary>
    public int? TlsCipherSuite { get; internal set; }

    /// <summary>The TLS server certificate chain (DER, leaf first), when TLS was used.</summary>
    public IReadOnlyList<byte[]> TlsCertificates { get; internal set; } = [];

    /// <summary>The TLS leaf certificate read: fingerprint, subject, validity, public key.</summary>
    public TlsServerCertificate? TlsCertificate { get; internal set; }

    /// <summary>Why the leaf certificate could not be read, when it could not.</summary>
    public string? TlsCertificateProblem { get; internal set; }

    /// <summary>Whether the certificate was checked against --expect-certificate (true: it matched); null before TLS.</summary>
    public bool? CertificateChecked { get; internal set; }

    /// <summary>The server's GCC data (core: version; security: method, level, certificate; network).</summary>
    public GccConferenceCreateResponse? ServerData { get; internal set; }

    /// <summary>The verdict on the GCC certificate (Standard RDP Security).</summary>
    public ServerCertificateVerification? GccCertificate { get; internal set; }

    /// <summary>The server's LICENSE_REQUEST (the offer: product, scopes, certificate).</summary>
    public ServerLicenseRequest? LicenseRequest { get; internal set; }

    /// <summary>The verdict on the certificate that encrypted the premaster secret.</summary>
    public ServerCertificateVerification? LicensingCertificate { get; internal set; }

    /// <summary>The CAL presented in LICENSE_INFO, if any.</summary>
    public LicenseKey? PresentedLicense { get; internal set; }

    /// <summary>The CAL the server issued and the store kept, if any.</summary>
    public StoredLicense? StoredLicense { get; internal set; }

    /// <summary>The licensing PDUs, both directions, in order.</summary>
    public List<LicensingPduRecord> LicensingPdus { get; } = [];

    /// <summary>Send Data Indications during licensing that were not licensing PDUs.</summary>
    public int RoutedPastLicensing { get; internal set; }

    /// <summary>The device's HWID used.</summary>
    public ClientHardwareId? HardwareId { get; internal set; }

    /// <summary>Whether the HWID was created by this run.</summary>
    public bool HardwareIdCreated { get; internal set; }

    /// <summary>The time each phase took, in order.</summary>
    public List<PhaseTiming> Phases { get; } = [];

    /// <summary>The whole attempt, from before the TCP connect to the verdict.</summary>
    public TimeSpan Total { get; internal set; }

    /// <summary>Every random block the client used, in order (for <c>--record-secrets</c>; key material).</summary>
    public IReadOnlyList<byte[]> RandomBlocks { get; internal set; } = [];

    /// <summary>The client random of the Security Exchange PDU (Standard RDP Security; key material).</summary>
    public ReadOnlyMemory<byte> ClientRandom { get; internal set; }

    /// <summary>The RDP PDUs (inside TLS when TLS was used), in order: whole TPKT packets.</summary>
    public IReadOnlyList<(bool FromClient, byte[] Packet)> Transcript { get; internal set; } = [];
}
