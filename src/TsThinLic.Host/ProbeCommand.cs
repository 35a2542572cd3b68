using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Crypto;
using TsThinLic.Diagnostics;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Tls;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using TsThinLic.Transport;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic probe HOST[:PORT]</c>: connects to a real RDP server through the licensing phase and reports what
/// it saw (negotiation, server version, certificates, the license offer, what the client sent, the verdict and
/// its meaning, and the time each phase took). Without <c>--store</c> it changes nothing on the device.
/// </summary>
internal static class ProbeCommand
{
    public static Command Create(TextReader input, TextWriter output, TextWriter error, DoctorEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var targetArgument = new Argument<string>("server") { Description = "HOST or HOST:PORT of the RDP server (port 3389 by default)." };
        var securityOption = new Option<string>("--security") { Description = "tls, rdp (Standard RDP Security), nla (Network Level Authentication: CredSSP over NTLMv2) or auto (TLS; RDP if the server refuses TLS; NLA if it requires it and a password is given).", DefaultValueFactory = _ => "auto" };
        securityOption.AcceptOnlyFromAmong("tls", "rdp", "nla", "auto");
        var userOption = new Option<string>("--user") { Description = @"The account: DOMAIN\user or user@domain (Client Info PDU, licensing ClientUserName, NLA).", DefaultValueFactory = _ => "user" };
        var expectOption = new Option<string?>("--expect-certificate") { Description = "The SHA-256 fingerprint the server's TLS certificate must have (hex, colons optional): anything else is refused before a byte more is sent." };
        var verdictTimeoutOption = new Option<double>("--verdict-timeout") { Description = "Seconds to wait, after licensing, for the server's verdict (Demand Active, Set Error Info, disconnect).", DefaultValueFactory = _ => 10 };
        var tokenOption = new Option<string>("--nla-token") { Description = "How NLA carries NTLM: raw, spnego, or auto (raw first, then SPNEGO if the server refuses it).", DefaultValueFactory = _ => "auto" };
        tokenOption.AcceptOnlyFromAmong("raw", "spnego", "auto");
        var credentials = new ProbeCredentials();
        var domainOption = new Option<string>("--domain") { Description = "Domain (Client Info PDU).", DefaultValueFactory = _ => string.Empty };
        var machineOption = new Option<string>("--machine") { Description = "ClientMachineName to send.", DefaultValueFactory = _ => "thinclient" };
        var timeoutOption = new Option<double>("--timeout") { Description = "Seconds the whole probe may take.", DefaultValueFactory = _ => 10 };
        var storeOption = new Option<string?>("--store") { Description = "Where the HWID and CALs are kept: memory, registry, reg:FILE.reg, flash:PATH, file:PATH. Without it (or --profile) the probe changes nothing." };
        var profileOption = new Option<string?>("--profile") { Description = "A device profile (hardware/….json): its store and PlatformId." };
        var secretsOption = new Option<string?>("--record-secrets") { Description = "Write the randoms, HWID and PDUs a transcript needs to this file (key material: test servers only)." };
        var jsonOption = new Option<bool>("--json") { Description = "Print the result as JSON." };
        Option<string?> keyLogOption = KeyLogFile.CreateOption();

        var command = new Command("probe", "Connect to an RDP server through licensing and report what happened.");
        command.Arguments.Add(targetArgument);
        command.Options.Add(securityOption);
        command.Options.Add(userOption);
        command.Options.Add(domainOption);
        command.Options.Add(machineOption);
        command.Options.Add(timeoutOption);
        command.Options.Add(storeOption);
        command.Options.Add(profileOption);
        command.Options.Add(secretsOption);
        command.Options.Add(jsonOption);
        command.Options.Add(expectOption);
        command.Options.Add(verdictTimeoutOption);
        command.Options.Add(tokenOption);
        credentials.AddTo(command);
        command.Options.Add(keyLogOption);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!TryParseTarget(parseResult.GetValue(targetArgument)!, out string host, out int port))
            {
                await error.WriteLineAsync($"'{parseResult.GetValue(targetArgument)}' is not a server: give HOST or HOST:PORT with a port from 1 to 65535 (e.g. rds01.example.com or 10.0.0.5:3390)").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            double timeout = parseResult.GetValue(timeoutOption);
            double verdictTimeout = parseResult.GetValue(verdictTimeoutOption);
            if (!(timeout is > 0 and <= 3600) || !(verdictTimeout is > 0 and <= 3600))
            {
                await error.WriteLineAsync($"--timeout {timeout} / --verdict-timeout {verdictTimeout}: each must be above 0 and at most 3600 seconds (e.g. --timeout 20)").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            byte[]? expected = null;
            if (parseResult.GetValue(expectOption) is { } fingerprint && (expected = TlsServerCertificate.ParseFingerprint(fingerprint)) is null)
            {
                await error.WriteLineAsync("--expect-certificate must be a SHA-256 fingerprint: 64 hex digits, colons optional").ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            ProbeSecurity security = parseResult.GetValue(securityOption) switch { "tls" => ProbeSecurity.Tls, "rdp" => ProbeSecurity.Rdp, "nla" => ProbeSecurity.Nla, _ => ProbeSecurity.Auto };
            string account = parseResult.GetValue(userOption)!;
            (string userName, string domain) = NlaCredentials.ParseAccount(account);
            bool userGiven = parseResult.GetResult(userOption) is { Implicit: false };

            // NLA needs a password: required under --security nla; under auto, read when one was offered (a source
            // named, or --user given on a terminal), so a TLS server never makes the probe ask for one.
            NlaCredentials? nlaCredentials = null;
            if (security == ProbeSecurity.Nla || (security == ProbeSecurity.Auto && (credentials.SourceGiven(parseResult) || userGiven)))
            {
                nlaCredentials = credentials.Read(parseResult, account, mayPrompt: security == ProbeSecurity.Nla || userGiven, input, error, out string? problem);
                if (nlaCredentials is null && (security == ProbeSecurity.Nla || credentials.SourceGiven(parseResult)))
                {
                    await error.WriteLineAsync(problem).ConfigureAwait(false);
                    return HostApp.ExitCannotRun;
                }
            }

            // Without --store or --profile the probe changes nothing on the device: an in-memory store.
            ILogger logger = HostLogging.CreateLogger(parseResult, error, "TsThinLic.Probe");
            string? storeSpec = parseResult.GetValue(storeOption);
            string? profile = parseResult.GetValue(profileOption);
            if (!StoreSelection.TryOpen(storeSpec ?? (profile is null ? "memory" : null), profile, out StoreSelection? selection, out string storeError, logger))
            {
                await error.WriteLineAsync(storeError).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using NlaCredentials? disposeCredentials = nlaCredentials;
            using StoreSelection opened = selection!;
            ILicenseStore store = opened.Store;
            if (!KeyLogFile.TryOpen(parseResult.GetValue(keyLogOption), out KeyLogFile? keyLog, out string keyLogError))
            {
                await error.WriteLineAsync(keyLogError).ConfigureAwait(false);
                return HostApp.ExitCannotRun;
            }

            using KeyLogFile? keyLogFile = keyLog;
            var options = new RdpProbeOptions
            {
                PlatformId = opened.PlatformId,
                Security = security,
                UserName = userName,
                Domain = domain.Length > 0 ? domain : parseResult.GetValue(domainOption)!,
                MachineName = parseResult.GetValue(machineOption)!,
                Timeout = TimeSpan.FromSeconds(timeout),
                VerdictTimeout = TimeSpan.FromSeconds(verdictTimeout),
                Credentials = nlaCredentials,
                ExpectedCertificate = expected,
                TokenFormat = parseResult.GetValue(tokenOption) switch { "raw" => NlaTokenFormat.RawNtlm, "spnego" => NlaTokenFormat.Spnego, _ => null },
                KeyLog = keyLogFile?.Writer,
            };
            ProbeResult result = await RunAsync(store, options, host, port, logger, cancellationToken).ConfigureAwait(false);
            keyLogFile?.ReportProblem(error);

            if (parseResult.GetValue(secretsOption) is { } secretsPath)
            {
                // Written whole or not at all (a failure is exit 2 with the path and the system's words).
                using var secrets = new MemoryStream();
                ProbeSecrets.Write(result, options.UserName, options.MachineName, secrets);
                DurableFile.Write(secretsPath, secrets.ToArray());
            }

            if (!parseResult.GetValue(jsonOption))
            {
                ProbeOutcomeView.Write(output, HostApp.StyleFor(parseResult, environment), result, Meaning(result), VerdictLine(result), storeSpec is not null || profile is not null ? opened : null, null);
                return ExitCode(result);
            }

            HostApp.WriteFields(output, parseResult.GetValue(jsonOption), writer =>
            {
                Describe(result, options, writer);
                if (storeSpec is not null || profile is not null)
                {
                    LicenseCommand.DescribeStore(opened, null, writer);
                }
            });

            return ExitCode(result);
        });
        return command;
    }

    /// <summary>The server's verdict after licensing as the text view's line, when the probe saw one.</summary>
    private static (string Text, bool Accepted)? VerdictLine(ProbeResult result)
        => result.Verdict is { } verdict
            ? (ProbeOutcomeView.VerdictSentence(verdict.Accepted, verdict.PduName, verdict.ErrorInfoDescription?.Name, verdict.ErrorInfoDescription?.Meaning, verdict.ErrorInfoDescription?.Fix), verdict.Accepted)
            : null;

    /// <summary><c>tsthinlic license --server HOST[:PORT]</c>: the probe's connection, with the store to persist into.</summary>
    /// <param name="style">The text view's style; null for JSON.</param>
    internal static async Task<int> LicenseAgainstServerAsync(string server, StoreSelection store, string user, string machine, double timeout, TerminalStyle? style, TextWriter output, TextWriter error, ILogger logger, CancellationToken cancellationToken, NlaCredentials? credentials = null, byte[]? expectedCertificate = null, string? keyLogPath = null)
    {
        if (!TryParseTarget(server, out string host, out int port) || !(timeout is > 0 and <= 3600))
        {
            await error.WriteLineAsync("--server must be HOST or HOST:PORT, and --timeout between 0 and 3600 seconds").ConfigureAwait(false);
            return HostApp.ExitCannotRun;
        }

        if (!KeyLogFile.TryOpen(keyLogPath, out KeyLogFile? keyLog, out string keyLogError))
        {
            await error.WriteLineAsync(keyLogError).ConfigureAwait(false);
            return HostApp.ExitCannotRun;
        }

        using KeyLogFile? keyLogFile = keyLog;
        (string userName, string domain) = NlaCredentials.ParseAccount(user);
        var options = new RdpProbeOptions { UserName = userName, Domain = domain, MachineName = machine, PlatformId = store.PlatformId, Timeout = TimeSpan.FromSeconds(timeout), Credentials = credentials, ExpectedCertificate = expectedCertificate, KeyLog = keyLogFile?.Writer };
        StoreVerification? verification = (store.Store as IVerifiableLicenseStore)?.Verify();
        ProbeResult result = await RunAsync(store.Store, options, host, port, logger, cancellationToken).ConfigureAwait(false);
        keyLogFile?.ReportProblem(error);
        if (style is not null)
        {
            ProbeOutcomeView.Write(output, style, result, Meaning(result), VerdictLine(result), store, verification);
            return ExitCode(result);
        }

        HostApp.WriteFields(output, json: true, writer =>
        {
            Describe(result, options, writer);
            LicenseCommand.DescribeStore(store, verification, writer);
        });

        return ExitCode(result);
    }

    /// <summary>Runs the probe; <paramref name="logger"/> gets its events (600-699), so --verbose shows each phase.</summary>
    internal static Task<ProbeResult> RunAsync(ILicenseStore store, RdpProbeOptions options, string host, int port, ILogger logger, CancellationToken cancellationToken)
        => new RdpProbe(store, SystemRandomSource.Instance, TimeProvider.System, options, logger).RunAsync(host, port, cancellationToken);

    /// <summary>
    /// 0 when licensing completed and the server then accepted the client (Demand Active); 2 when the server could not be
    /// reached at all; 1 for every other end: a failed exchange, or a licensing outcome the server followed with a Set
    /// Error Info, a disconnect or silence.
    /// </summary>
    internal static int ExitCode(ProbeResult result) => result.Accepted
        ? HostApp.ExitOk
        : result.Failure?.Reason == ConnectionFailureReason.ConnectFailed ? HostApp.ExitCannotRun : HostApp.ExitProblem;

    internal static bool TryParseTarget(string target, out string host, out int port)
    {
        host = target;
        port = RdpProbeOptions.DefaultPort;
        int colon = target.LastIndexOf(':');
        if (colon > 0 && !target.EndsWith(']') && target.IndexOf(':') == colon)
        {
            host = target[..colon];
            if (!int.TryParse(target.AsSpan(colon + 1), out port) || port is < 1 or > 65535)
            {
                return false;
            }
        }

        host = host.Trim('[', ']');
        return host.Length > 0;
    }

    internal static string Outcome(ProbeResult result) => result.Outcome switch
    {
        LicensingOutcome.ValidClient when result.Succeeded => "valid-client",
        LicensingOutcome.LicenseIssued when result.Succeeded => "license-issued",
        LicensingOutcome.LicenseUpgraded when result.Succeeded => "license-upgraded",
        _ => "failed",
    };

    private static void Describe(ProbeResult result, RdpProbeOptions options, IFieldWriter writer)
    {
        writer.WriteString("server", $"{result.Host}:{result.Port}");
        writer.WriteString("outcome", Outcome(result));
        writer.WriteString("meaning", Meaning(result));
        if (result.Failure is { } failure)
        {
            writer.WriteString("error", failure.Message);
            writer.WriteString("failureReason", failure.Reason.ToString());
            writer.WriteString("failurePhase", new PhaseTiming(failure.Phase, default).Name);
            if (failure.NegotiationFailure is { } negotiation)
            {
                writer.WriteString("negotiationFailure", RdpSpecNames.NegotiationFailure(negotiation));
            }

            if (failure.Nla is { } nlaFailure)
            {
                ProbeReport.DescribeNlaFailure(nlaFailure, writer);
            }

            if (failure.Licensing is { } licensing)
            {
                if (licensing.ServerErrorCode is { } code)
                {
                    writer.WriteString("serverErrorCode", LicensingSpecNames.ErrorCode(code));
                }

                if (licensing.ServerStateTransition is { } transition)
                {
                    writer.WriteString("serverStateTransition", LicensingSpecNames.StateTransition(transition));
                }
            }
        }

        ProbeReport.DescribeVerdict(result, writer);
        writer.WriteString("negotiatedSecurity", NegotiatedSecurity(result));
        if (result.FellBackToStandardSecurity)
        {
            writer.WriteBoolean("fellBackToStandardSecurity", true);
        }

        if (result.SwitchedToNla)
        {
            writer.WriteBoolean("switchedToNla", true);
        }

        ProbeReport.DescribeTrustWarning(result, writer);

        if (result.TlsVersion is { } tlsVersion)
        {
            writer.StartObject("tls");
            writer.WriteString("version", tlsVersion);
            if (result.TlsCipherSuite is { } suite)
            {
                writer.WriteString("cipherSuite", $"0x{suite:x4}");
            }

            DescribeTlsCertificates(result.TlsCertificates, writer);
            ProbeReport.DescribeCertificate(result, writer, DateTimeOffset.UtcNow);
            writer.EndObject();
        }

        ProbeReport.DescribeNla(result, writer);
        if (result.ChannelJoinsSkipped)
        {
            writer.WriteBoolean("channelJoinsSkipped", true);
        }

        if (result.ServerData is { } server)
        {
            writer.StartObject("serverCore");
            writer.WriteString("version", $"0x{server.Core.Version:x8}");
            writer.WriteString("rdpVersion", RdpSpecNames.ServerVersion(server.Core.Version));
            writer.EndObject();
            writer.StartObject("serverSecurity");
            writer.WriteString("encryptionMethod", RdpSpecNames.EncryptionMethod(server.Security.EncryptionMethod));
            writer.WriteString("encryptionLevel", RdpSpecNames.EncryptionLevel(server.Security.EncryptionLevel));
            if (result.GccCertificate is { } gcc)
            {
                DescribeCertificate("certificate", server.Security.Certificate, gcc, writer);
            }

            writer.EndObject();
        }

        if (result.LicenseRequest is { } request)
        {
            writer.StartObject("licenseOffer");
            writer.WriteString("companyName", request.ProductInfo.CompanyName);
            writer.WriteString("productId", request.ProductInfo.ProductId);
            writer.WriteString("productVersion", $"0x{request.ProductInfo.Version:x8}");
            writer.StartArray("scopes");
            foreach (string scope in request.Scopes)
            {
                writer.WriteStringElement(scope);
            }

            writer.EndArray();
            writer.WriteString("certificateSource", request.Certificate is null ? "gcc" : "license-request");
            if (result.LicensingCertificate is { } licensingCertificate)
            {
                DescribeCertificate("certificate", request.Certificate ?? result.ServerData?.Security.Certificate, licensingCertificate, writer);
            }

            writer.EndObject();
        }

        writer.StartObject("clientSent");
        writer.WriteString("user", options.UserName);
        writer.WriteString("machine", options.MachineName);
        writer.WriteString("hwidFingerprint", result.HardwareId is { } hwid ? Fingerprint(hwid) : "-");
        writer.StartArray("licensingPdus");
        foreach (LicensingPduRecord pdu in result.LicensingPdus)
        {
            writer.StartObjectElement();
            writer.WriteString("direction", pdu.Direction == LicensingPduDirection.Server ? "server" : "client");
            writer.WriteString("messageType", pdu.MessageType is { } type ? LicensingSpecNames.MessageType(type) : "(undecodable)");
            writer.WriteNumber("length", pdu.Bytes.Length);
            writer.EndObject();
        }

        writer.EndArray();
        if (result.PresentedLicense is { } presented)
        {
            writer.WriteString("presentedLicense", presented.ToString());
        }

        writer.EndObject();
        if (result.StoredLicense is { } stored)
        {
            writer.WriteString("storedLicense", stored.Key.ToString());
        }

        if (result.RoutedPastLicensing > 0)
        {
            writer.WriteNumber("nonLicensingPdusRouted", result.RoutedPastLicensing);
        }

        writer.StartArray("phases");
        foreach (PhaseTiming phase in result.Phases)
        {
            writer.StartObjectElement();
            writer.WriteString("name", phase.Name);
            writer.WriteString("milliseconds", phase.Duration.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
            writer.EndObject();
        }

        writer.EndArray();
        writer.WriteString("totalMilliseconds", result.Total.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string NegotiatedSecurity(ProbeResult result)
    {
        if (result.SelectedProtocol is not { } selected)
        {
            return "none";
        }

        if (selected == NegotiationProtocols.Ssl)
        {
            return "tls";
        }

        if (selected is NegotiationProtocols.Hybrid or NegotiationProtocols.HybridEx)
        {
            return selected == NegotiationProtocols.HybridEx ? "nla-hybrid-ex" : "nla";
        }

        return result.ServerData?.Security.EncryptionMethod switch
        {
            null => "rdp",
            EncryptionMethods.None => "rdp-none",
            EncryptionMethods.Bits40 => "rdp-40bit",
            EncryptionMethods.Bits56 => "rdp-56bit",
            EncryptionMethods.Bits128 => "rdp-128bit",
            EncryptionMethods.Fips => "rdp-fips",
            _ => "rdp",
        };
    }

    /// <summary>What the outcome means, in words: the probe's "meaning" field and the text view's sentence.</summary>
    internal static string Meaning(ProbeResult result)
    {
        if (result.Succeeded)
        {
            string licensing = result.Outcome switch
            {
                LicensingOutcome.ValidClient => "STATUS_VALID_CLIENT: the server lets this client in without issuing a CAL (per-user licensing, a CAL it accepted, or a server that does not license)",
                LicensingOutcome.LicenseIssued => "the license server issued a new CAL to this device",
                _ => "the license server upgraded this device's CAL",
            };
            return result.Verdict switch
            {
                null or { Accepted: true } => licensing,
                { ErrorInfoDescription: { } description } => $"{licensing}; but then the server refused the connection: {description.Name}, {description.Meaning}",
                { Kind: ServerVerdictKind.Timeout } => $"{licensing}; but then the server sent no Demand Active (it did not accept the client)",
                _ => $"{licensing}; but then the server disconnected without a Demand Active",
            };
        }

        ConnectionFailure failure = result.Failure!;
        string meaning = failure.Reason switch
        {
            ConnectionFailureReason.ConnectFailed => "nothing accepts TCP connections there: wrong host or port, server down, or a firewall",
            ConnectionFailureReason.NegotiationFailed => failure.NegotiationFailure == NegotiationFailureCode.HybridRequiredByServer
                ? "the server requires Network Level Authentication (CredSSP): probe it with --security nla (or auto) and --user DOMAIN\\user with a password"
                : "the server refused the requested security protocol",
            ConnectionFailureReason.CredentialsRequired => "the server requires Network Level Authentication: give --user DOMAIN\\user and a password (--password-stdin, --password-env NAME, or the prompt)",
            ConnectionFailureReason.AuthenticationFailed => ProbeReport.NlaMeaning(failure.Nla),
            ConnectionFailureReason.CertificateMismatch => "the TLS certificate is not the pinned one: possible interception, or the server's certificate changed (check it, then pin the new sha256Fingerprint)",
            ConnectionFailureReason.ServerDisconnected when failure.ErrorInfo is { } errorInfo => $"the server disconnected: {ErrorInfoCatalog.Describe(errorInfo).Name}, {ErrorInfoCatalog.Describe(errorInfo).Meaning}",
            ConnectionFailureReason.MalformedPdu when failure.Phase == ConnectionPhase.ConnectionInitiation => "something answers on that port, but it is not an RDP server",
            ConnectionFailureReason.ConnectionClosed => "the server dropped the connection before licensing ended",
            ConnectionFailureReason.Timeout => "the server stopped answering",
            ConnectionFailureReason.LicensingFailed => LicensingMeaning(failure.Licensing),
            _ => "the connection sequence failed before licensing ended",
        };

        // A Windows Server 2003 terminal server (RDP 5.2) logs event 1004 when it cannot issue a CAL to a thin client; SP1 fixes it.
        if (failure.Reason == ConnectionFailureReason.LicensingFailed && result.ServerData?.Core.Version == 0x00080004)
        {
            meaning += "; if the server is Windows Server 2003 without SP1 (event 1004, \"cannot issue a client license\"), Service Pack 1 fixes it";
        }

        return meaning;
    }

    private static string LicensingMeaning(LicensingFailure? failure) => failure?.ServerErrorCode switch
    {
        LicensingErrorCode.NoLicenseServer => "ERR_NO_LICENSE_SERVER: the terminal server found no license server (server events 1004/1028)",
        LicensingErrorCode.NoLicense => "ERR_NO_LICENSE: no CAL is available for this client (server event 1004/1011)",
        LicensingErrorCode.InvalidClient => "ERR_INVALID_CLIENT: the license server rejected this client",
        LicensingErrorCode.InvalidMac => "ERR_INVALID_MAC: the server could not verify the client's MAC (key or encryption mismatch)",
        LicensingErrorCode.InvalidScope => "ERR_INVALID_SCOPE: the scope is not one the server serves",
        LicensingErrorCode.InvalidServerCertificate => "ERR_INVALID_SERVER_CERTIFICATE",
        LicensingErrorCode.InvalidProductId => "ERR_INVALID_PRODUCTID: the CAL's product is not what the server offers",
        LicensingErrorCode.InvalidMessageLength => "ERR_INVALID_MESSAGE_LEN: the server rejected a message length",
        { } other => LicensingSpecNames.ErrorCode(other),
        null => $"the licensing exchange failed on the client side: {failure?.Reason}",
    };

    private static void DescribeCertificate(string name, ServerCertificate? certificate, ServerCertificateVerification verification, IFieldWriter writer)
    {
        writer.StartObject(name);
        writer.WriteString("type", verification.Type switch { ServerCertificateType.Proprietary => "proprietary", ServerCertificateType.X509 => "x509", _ => "none" });
        if (certificate is not null)
        {
            writer.WriteBoolean("issuedPermanently", certificate.IssuedPermanently);
        }

        if (verification.PublicKey is { } key)
        {
            writer.WriteNumber("keyBits", key.KeyBits);
        }

        writer.WriteString("signature", verification.Check switch
        {
            CertificateCheck.Valid => verification.Type == ServerCertificateType.Proprietary ? "verified (Terminal Services signing key)" : verification.ChainSignaturesValid == true ? "verified (chain)" : "chain signatures not verified",
            CertificateCheck.SignatureInvalid => "INVALID",
            CertificateCheck.UnsupportedKey => "unsupported key",
            _ => "malformed",
        });
        writer.WriteBoolean("verified", verification.Check == CertificateCheck.Valid && (verification.Type == ServerCertificateType.Proprietary || verification.ChainSignaturesValid == true));
        if (verification.Detail is { } detail)
        {
            writer.WriteString("detail", detail);
        }

        writer.EndObject();
    }

    private static void DescribeTlsCertificates(IReadOnlyList<byte[]> certificates, IFieldWriter writer)
    {
        writer.WriteNumber("certificateCount", certificates.Count);
        if (certificates.Count == 0)
        {
            return;
        }

        // TLS sends the leaf first; X509ChainReader reads [MS-RDPELE] order (issuer first, leaf last).
        var issuerFirst = certificates.Reverse().Select(c => (ReadOnlyMemory<byte>)c).ToList();
        CertificateCheck check = X509ChainReader.TryGetLeafPublicKey(issuerFirst, out RsaPublicKey? key, out string? detail);
        writer.StartObject("leafCertificate");
        writer.WriteString("keyCheck", check.ToString());
        if (key is not null)
        {
            writer.WriteNumber("keyBits", key.KeyBits);
        }
        else if (detail is not null)
        {
            writer.WriteString("detail", detail);
        }

        writer.WriteBoolean("chainSignaturesVerified", X509ChainReader.VerifyChainSignatures(issuerFirst));
        writer.EndObject();
    }

    private static string Fingerprint(ClientHardwareId hardwareId)
    {
        Span<byte> bytes = stackalloc byte[ClientHardwareId.Length];
        hardwareId.TryEncode(bytes, out _);
        return HardwareIdFingerprint.Compute(bytes);
    }
}
