using System.Globalization;
using TsThinLic.Diagnostics;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Rdp.Nla;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Host;

/// <summary>
/// The parts of the probe's report about trust and authentication: the TLS certificate (fingerprint, subject, validity,
/// whether it was checked), Network Level Authentication, and the server's verdict after licensing.
/// </summary>
internal static class ProbeReport
{
    /// <summary>The TLS leaf certificate, inside the "tls" object.</summary>
    public static void DescribeCertificate(ProbeResult result, IFieldWriter writer, DateTimeOffset now)
    {
        if (result.TlsCertificate is not { } certificate)
        {
            if (result.TlsCertificateProblem is { } problem)
            {
                writer.WriteString("certificateProblem", problem);
            }

            return;
        }

        writer.StartObject("certificate");
        writer.WriteString("sha256Fingerprint", certificate.Sha256FingerprintText);
        writer.WriteString("subject", certificate.Subject);
        writer.WriteString("issuer", certificate.Issuer);
        writer.WriteString("notBefore", Time(certificate.NotBefore));
        writer.WriteString("notAfter", Time(certificate.NotAfter));
        writer.WriteBoolean("validNow", certificate.IsValidAt(now));
        writer.WriteString("keyAlgorithm", certificate.KeyAlgorithm);
        writer.WriteString("checked", result.CertificateChecked switch
        {
            true => "matches --expect-certificate",
            _ when result.Failure?.Reason == ConnectionFailureReason.CertificateMismatch => "DOES NOT MATCH --expect-certificate: refused",
            _ => "not checked (no --expect-certificate)",
        });
        writer.EndObject();
    }

    /// <summary>The warning owed when credentials went to a server whose certificate nobody checked.</summary>
    public static void DescribeTrustWarning(ProbeResult result, IFieldWriter writer)
    {
        if (result.Nla is not null && result.CertificateChecked != true)
        {
            writer.WriteString("certificateWarning", result.Nla.CredentialsSent
                ? "the TLS certificate was not checked (no --expect-certificate): the credentials went, sealed, to whoever holds this certificate's key; pin its sha256Fingerprint with --expect-certificate"
                : "the TLS certificate was not checked (no --expect-certificate); pin its sha256Fingerprint with --expect-certificate before sending credentials");
        }
    }

    /// <summary>Network Level Authentication, when it ran.</summary>
    public static void DescribeNla(ProbeResult result, IFieldWriter writer)
    {
        if (result.Nla is not { } nla)
        {
            return;
        }

        writer.StartObject("nla");
        writer.WriteString("tokenFormat", Format(nla.TokenFormat));
        if (result.NlaAttempts.Count > 0)
        {
            writer.StartArray("triedBefore");
            foreach (NlaTokenFormat format in result.NlaAttempts)
            {
                writer.WriteStringElement(Format(format));
            }

            writer.EndArray();
        }

        if (nla.ServerVersion is { } serverVersion)
        {
            writer.WriteNumber("credsspServerVersion", serverVersion);
            writer.WriteNumber("credsspVersion", nla.NegotiatedVersion ?? serverVersion);
            writer.WriteString("publicKeyBinding", nla.NegotiatedVersion >= 5 ? "SHA-256 binding hash with the client nonce (version 5 and later)" : "public-key echo + 1 (versions 2-4)");
        }

        WriteIfSet(writer, "serverNetbiosDomain", nla.ServerNetBiosDomain);
        WriteIfSet(writer, "serverNetbiosComputer", nla.ServerNetBiosComputer);
        WriteIfSet(writer, "serverDnsComputer", nla.ServerDnsComputer);
        writer.WriteBoolean("ntlmMic", nla.MicSent);
        writer.WriteBoolean("serverProvedCertificateKey", nla.ServerVerified);
        writer.WriteBoolean("credentialsSent", nla.CredentialsSent);
        if (nla.EarlyUserAuthorizationResult is { } authorization)
        {
            writer.WriteString("earlyUserAuthorization", EarlyUserAuthorizationResult.Name(authorization));
        }

        writer.StartArray("messages");
        foreach ((bool fromClient, string fields, int length) in nla.Messages)
        {
            writer.StartObjectElement();
            writer.WriteString("direction", fromClient ? "client" : "server");
            writer.WriteString("fields", fields);
            writer.WriteNumber("length", length);
            writer.EndObject();
        }

        writer.EndArray();
        writer.EndObject();
    }

    /// <summary>The NLA part of a failure.</summary>
    public static void DescribeNlaFailure(NlaFailure failure, IFieldWriter writer)
    {
        writer.StartObject("nlaFailure");
        writer.WriteString("reason", failure.Reason.ToString());
        if (failure.ErrorCode is { } code)
        {
            writer.WriteString("errorCode", $"0x{unchecked((uint)code):x8}");
            writer.WriteString("errorCodeName", NtStatusCatalog.Name(code));
            writer.WriteString("errorCodeMeaning", NtStatusCatalog.Meaning(code));
        }

        writer.WriteBoolean("credentialsSent", failure.CredentialsSent);
        writer.EndObject();
    }

    /// <summary>What an NLA failure means for the person at the device.</summary>
    public static string NlaMeaning(NlaFailure? failure) => failure?.Reason switch
    {
        NlaFailureReason.LogonFailure => "logon failure: the server did not accept the user name or password" + (failure.ErrorCode is { } code ? $" ({NtStatusCatalog.Name(code)})" : string.Empty),
        NlaFailureReason.AccountRestriction => "the credentials may be right, but the account may not log on there" + (failure.ErrorCode is { } code ? $" ({NtStatusCatalog.Name(code)}: {NtStatusCatalog.Meaning(code)})" : string.Empty),
        NlaFailureReason.AccessDenied => "the account authenticated but may not log on through Remote Desktop Services (Remote Desktop Users, 'Allow log on through Remote Desktop Services')",
        NlaFailureReason.Refused => "the server refused CredSSP as the client spoke it (version or token format)",
        NlaFailureReason.PublicKeyMismatch => "the server did not prove it holds the TLS certificate's key: possible interception (a TLS proxy); no credentials were sent",
        NlaFailureReason.InsufficientSecurity => "the server offers NTLM without the 128-bit signing and sealing CredSSP needs; nothing was sent with less",
        NlaFailureReason.MalformedMessage => "the server's CredSSP message is malformed",
        _ => "the server reported an error of its own during Network Level Authentication",
    };

    /// <summary>The server's verdict after licensing.</summary>
    public static void DescribeVerdict(ProbeResult result, IFieldWriter writer)
    {
        if (result.Verdict is not { } verdict)
        {
            if (result.ErrorInfo is { } errorInfo)
            {
                // Licensing did not complete, but the server said why before it disconnected.
                writer.StartObject("serverVerdict");
                writer.WriteString("pdu", "set-error-info");
                WriteErrorInfo(ErrorInfoCatalog.Describe(errorInfo), writer);
                writer.EndObject();
            }

            return;
        }

        writer.StartObject("serverVerdict");
        writer.WriteString("pdu", verdict.PduName);
        writer.WriteString("meaning", verdict.Kind switch
        {
            ServerVerdictKind.DemandActive => "Demand Active: the server accepted the client and its licensing; the session would start",
            ServerVerdictKind.SetErrorInfo => "Set Error Info: the server refuses the connection after licensing and says why",
            ServerVerdictKind.Disconnect => "the server disconnected after licensing without saying why",
            _ => "no Demand Active came in time after licensing (as FreeRDP's \"timeout waiting for activation\" when a stale CAL is presented): the server did not accept the client",
        });
        if (verdict.ErrorInfoDescription is { } description)
        {
            WriteErrorInfo(description, writer);
        }

        if (verdict.DisconnectReason is { } reason)
        {
            writer.WriteNumber("disconnectReason", reason);
        }

        if (verdict.Detail is { } detail)
        {
            writer.WriteString("detail", detail);
        }

        writer.EndObject();
    }

    private static void WriteErrorInfo(ErrorInfoDescription description, IFieldWriter writer)
    {
        writer.WriteString("errorInfo", $"0x{description.Code:x8}");
        writer.WriteString("errorInfoName", description.Name);
        writer.WriteString("errorInfoMeaning", description.Meaning);
        if (description.ServerEvents.Count > 0)
        {
            writer.StartArray("serverEvents");
            foreach (int id in description.ServerEvents)
            {
                writer.WriteStringElement(ServerEvents.Find(id) is { } e ? $"{id} {e.SymbolicName}: {e.Meaning}".Replace(" :", ":", StringComparison.Ordinal) : id.ToString(CultureInfo.InvariantCulture));
            }

            writer.EndArray();
        }

        if (description.Fix is { } fix)
        {
            writer.WriteString("fix", fix);
        }
    }

    private static string Format(NlaTokenFormat format) => format == NlaTokenFormat.Spnego ? "spnego" : "raw-ntlm";

    private static string Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "(unreadable)";

    private static void WriteIfSet(IFieldWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
