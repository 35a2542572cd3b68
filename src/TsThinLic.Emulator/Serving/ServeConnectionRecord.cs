using System.Globalization;
using System.Text.Json;
using TsThinLic.Pdu;

namespace TsThinLic.Emulator.Serving;

/// <summary>
/// What one connection to `tsthinlic serve` did, for its JSON log line: who connected, what the client sent (and what it
/// got wrong), what the server issued, what it sent after licensing and how the connection ended. Text from the client
/// is kept short and written through the JSON encoder (which escapes control characters), never raw to a terminal;
/// the HWID appears only as its fingerprint, key material never.
/// </summary>
public sealed class ServeConnectionRecord
{
    /// <summary>The longest client-supplied text kept (cookie, names).</summary>
    public const int MaxTextLength = 64;

    /// <summary>Connections numbered from 1 as they were accepted.</summary>
    public long Id { get; set; }

    /// <summary>When the connection was accepted, on the server's (movable) clock.</summary>
    public DateTimeOffset Started { get; set; }

    /// <summary>The client's address and port.</summary>
    public string Client { get; set; } = "?";

    /// <summary>The script entry this connection played (1-based), if any.</summary>
    public int? ScriptEntry { get; set; }

    /// <summary>The mstshash cookie of the X.224 Connection Request.</summary>
    public string? Cookie { get; set; }

    /// <summary>requestedProtocols of RDP_NEG_REQ (null: none sent).</summary>
    public uint? RequestedProtocols { get; set; }

    /// <summary>What the server selected: "rdp", "tls", or the negotiation failure it sent.</summary>
    public string? Security { get; set; }

    /// <summary>The TLS cipher suite, in TLS mode.</summary>
    public string? TlsCipherSuite { get; set; }

    /// <summary>The Standard RDP Security method in force (ENCRYPTION_METHOD_*).</summary>
    public string? EncryptionMethod { get; set; }

    /// <summary>clientName of CS_CORE.</summary>
    public string? ClientName { get; set; }

    /// <summary>clientBuild of CS_CORE.</summary>
    public uint? ClientBuild { get; set; }

    /// <summary>UserName of the Client Info PDU.</summary>
    public string? UserName { get; set; }

    /// <summary>Domain of the Client Info PDU.</summary>
    public string? Domain { get; set; }

    /// <summary>Whether the client's encrypted PDUs used the salted MAC (SEC_SECURE_CHECKSUM).</summary>
    public bool? SaltedMac { get; set; }

    /// <summary>What the client did outside the connection sequence's letter that the server let pass.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>What the license server saw and did.</summary>
    public LicensingRecord Licensing { get; } = new();

    /// <summary>Whether the connection was counted as a logon for the pool.</summary>
    public bool Logon { get; set; }

    /// <summary>"demand-active", "set-error-info" or null: what the server sent after licensing.</summary>
    public string? AfterLicensing { get; set; }

    /// <summary>The errorInfo of the Set Error Info PDU sent, if any.</summary>
    public uint? ErrorInfo { get; set; }

    /// <summary>Whether the client answered Demand Active with Confirm Active.</summary>
    public bool ConfirmActive { get; set; }

    /// <summary>"completed" when the sequence ran to its end (whatever licensing said), else "failed".</summary>
    public string Outcome { get; set; } = "failed";

    /// <summary>Why the connection ended early: the reason, the phase and the detail (field and offset for malformed input).</summary>
    public (string Reason, string Phase, string Detail)? Failure { get; set; }

    /// <summary>Bytes read from and written to the socket.</summary>
    public long BytesIn { get; set; }

    /// <summary>Bytes written to the socket.</summary>
    public long BytesOut { get; set; }

    /// <summary>How long the connection lasted.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>Client text cut to <see cref="MaxTextLength"/> characters.</summary>
    public static string Bounded(string text) => text.Length > MaxTextLength ? text[..MaxTextLength] + "…" : text;

    /// <summary>The record as one JSON object (the caller writes the newline).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("connection", Id);
        writer.WriteString("time", Started.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("client", Client);
        WriteOptional(writer, "scriptEntry", ScriptEntry);
        WriteOptional(writer, "cookie", Cookie);
        if (RequestedProtocols is { } requested)
        {
            writer.WriteString("requestedProtocols", $"0x{requested:x8}");
        }

        WriteOptional(writer, "security", Security);
        WriteOptional(writer, "tlsCipherSuite", TlsCipherSuite);
        WriteOptional(writer, "encryptionMethod", EncryptionMethod);
        WriteOptional(writer, "saltedMac", SaltedMac);
        WriteOptional(writer, "clientName", ClientName);
        WriteOptional(writer, "clientBuild", ClientBuild);
        WriteOptional(writer, "userName", UserName);
        WriteOptional(writer, "domain", Domain);
        if (Notes.Count > 0)
        {
            writer.WriteStartArray("notes");
            foreach (string note in Notes)
            {
                writer.WriteStringValue(note);
            }

            writer.WriteEndArray();
        }

        writer.WritePropertyName("licensing");
        Licensing.WriteJson(writer);
        writer.WriteBoolean("logon", Logon);
        WriteOptional(writer, "afterLicensing", AfterLicensing);
        if (ErrorInfo is { } errorInfo)
        {
            writer.WriteString("errorInfo", Rdp.RdpSpecNames.ErrorInfo(errorInfo));
        }

        writer.WriteBoolean("confirmActive", ConfirmActive);
        writer.WriteString("outcome", Outcome);
        if (Failure is { } failure)
        {
            writer.WriteStartObject("failure");
            writer.WriteString("reason", failure.Reason);
            writer.WriteString("phase", failure.Phase);
            writer.WriteString("detail", failure.Detail);
            writer.WriteEndObject();
        }

        writer.WriteNumber("bytesIn", BytesIn);
        writer.WriteNumber("bytesOut", BytesOut);
        writer.WriteNumber("durationMs", Math.Round(Duration.TotalMilliseconds, 1));
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } flag)
        {
            writer.WriteBoolean(name, flag);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, uint? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    /// <summary>The licensing part of the record.</summary>
    public sealed class LicensingRecord
    {
        /// <summary>The client's licensing PDUs, in order (LICENSE_INFO, NEW_LICENSE_REQUEST, …).</summary>
        public List<string> Received { get; } = [];

        /// <summary>ClientUserName and ClientMachineName of NEW_LICENSE_REQUEST.</summary>
        public (string User, string Machine)? Names { get; set; }

        /// <summary>The client's HWID, once decrypted with a verified MAC: as its fingerprint only.</summary>
        public string? HardwareIdFingerprint { get; set; }

        /// <summary>The HWID's PlatformId.</summary>
        public uint? PlatformId { get; set; }

        /// <summary>Whose recipe made the HWID ("freerdp:NAME", "rdesktop:NAME"), when recognised.</summary>
        public string? HardwareIdRecipe { get; set; }

        /// <summary>The CAL presented in LICENSE_INFO: temporary or not, and its NotAfter.</summary>
        public (bool Temporary, DateTimeOffset? NotAfter, string? IssuedTo)? Presented { get; set; }

        /// <summary>Each MAC checked and whether it verified.</summary>
        public List<(string Message, bool Verified)> Macs { get; } = [];

        /// <summary>What the client got wrong, in the server's words.</summary>
        public List<string> Violations { get; } = [];

        /// <summary>Short names of tolerated (or, strict, refused) client quirks.</summary>
        public List<string> Quirks { get; } = [];

        /// <summary>The CAL the server sent.</summary>
        public EmulatedIssuedLicense? Issued { get; set; }

        /// <summary>The last ERROR_ALERT the server sent.</summary>
        public (LicensingErrorCode Code, LicensingStateTransition Transition)? Alert { get; set; }

        /// <summary>The client's ERROR_ALERT, if it sent one.</summary>
        public (LicensingErrorCode Code, LicensingStateTransition Transition)? ClientAlert { get; set; }

        /// <summary>
        /// "license-issued", "license-upgraded", "license-returned", "valid-client", "refused", "client-aborted" or
        /// "incomplete".
        /// </summary>
        public string Outcome { get; set; } = "incomplete";

        /// <summary>Whether licensing ended with the client holding a usable CAL (or told it needs none).</summary>
        public bool Succeeded => Outcome is "license-issued" or "license-upgraded" or "license-returned" or "valid-client";

        internal void WriteJson(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("received");
            foreach (string message in Received)
            {
                writer.WriteStringValue(message);
            }

            writer.WriteEndArray();
            if (Names is { } names)
            {
                writer.WriteString("clientUserName", names.User);
                writer.WriteString("clientMachineName", names.Machine);
            }

            WriteOptional(writer, "hwid", HardwareIdFingerprint);
            if (PlatformId is { } platform)
            {
                writer.WriteString("platformId", $"0x{platform:x8}");
            }

            WriteOptional(writer, "hwidRecipe", HardwareIdRecipe);
            if (Presented is { } presented)
            {
                writer.WriteStartObject("presented");
                writer.WriteBoolean("temporary", presented.Temporary);
                if (presented.NotAfter is { } notAfter)
                {
                    writer.WriteString("notAfter", notAfter.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                }

                WriteOptional(writer, "issuedTo", presented.IssuedTo);
                writer.WriteEndObject();
            }

            writer.WriteStartArray("macs");
            foreach ((string message, bool verified) in Macs)
            {
                writer.WriteStartObject();
                writer.WriteString("message", message);
                writer.WriteBoolean("verified", verified);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("violations");
            foreach (string violation in Violations)
            {
                writer.WriteStringValue(violation);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("quirks");
            foreach (string quirk in Quirks)
            {
                writer.WriteStringValue(quirk);
            }

            writer.WriteEndArray();
            if (Issued is { } issued)
            {
                writer.WriteStartObject("issued");
                writer.WriteString("message", LicensingSpecNames.MessageType(issued.Message));
                writer.WriteBoolean("temporary", issued.Temporary);
                if (issued.NotBefore is { } notBefore)
                {
                    writer.WriteString("notBefore", notBefore.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                }

                if (issued.NotAfter is { } notAfter)
                {
                    writer.WriteString("notAfter", notAfter.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                }

                writer.WriteBoolean("returned", issued.Returned);
                writer.WriteEndObject();
            }

            WriteAlert(writer, "alert", Alert);
            WriteAlert(writer, "clientAlert", ClientAlert);
            writer.WriteString("outcome", Outcome);
            writer.WriteEndObject();
        }

        private static void WriteAlert(Utf8JsonWriter writer, string name, (LicensingErrorCode Code, LicensingStateTransition Transition)? alert)
        {
            if (alert is { } value)
            {
                writer.WriteStartObject(name);
                writer.WriteString("code", LicensingSpecNames.ErrorCode(value.Code));
                writer.WriteString("transition", LicensingSpecNames.StateTransition(value.Transition));
                writer.WriteEndObject();
            }
        }
    }
}
