using TsThinLic.Pdu;
using TsThinLic.Replay.Capture;
using TsThinLic.Replay.Decryption;

namespace TsThinLic.Replay;

/// <summary>
/// Applies the licensing keys to an exchange, from a capture or a transcript: what <see cref="LicensingDecryptor"/>
/// opens becomes the exchange's secrets (the premaster secrets and the HWID, so the client's PDUs replay byte for
/// byte), what it reveals goes to the report, and a PDU whose MAC does not verify fails.
/// </summary>
public static class ExchangeDecryption
{
    /// <summary>The exchange with what the keys reveal; the same exchange when there is no licensing or server key.</summary>
    public static ReplayExchange Apply(ReplayExchange exchange, DecryptionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.LicenseKeyCount == 0 && keys.ServerKeyCount == 0)
        {
            return exchange;
        }

        var decoded = exchange.Pdus
            .Select(p => (p.Direction == CaptureDirection.ClientToServer, !p.IsEncrypted && LicensingPduDecoder.TryDecode(p.Bytes.Span, out LicensingPdu? pdu, out _) ? pdu : null))
            .ToList();
        LicensingDecryption result = LicensingDecryptor.Decrypt(decoded, exchange.Secrets.GccServerCertificate, keys);
        if (result.Revealed.Count == 0 && result.FailedPdus.Count == 0 && (keys.LicenseKeyCount == 0 || result.Notes.Count == 0))
        {
            return exchange;
        }

        ReplaySecrets secrets = exchange.Secrets;
        bool useSecrets = result.Complete && result.PreMasterSecrets.Count == secrets.ClientRandoms.Count && secrets.PreMasterSecrets.Count == 0;
        var updated = new ReplaySecrets
        {
            ClientRandoms = secrets.ClientRandoms,
            PreMasterSecrets = useSecrets ? result.PreMasterSecrets : secrets.PreMasterSecrets,
            HardwareId = secrets.HardwareId ?? result.HardwareId,
            PlatformId = secrets.PlatformId,
            UserName = secrets.UserName,
            MachineName = secrets.MachineName,
            StoredLicenses = secrets.StoredLicenses,
            GccServerCertificate = secrets.GccServerCertificate,
        };
        var pdus = exchange.Pdus
            .Select((p, i) => result.FailedPdus.TryGetValue(i, out string? failure) ? p with { DecryptionFailure = failure } : p)
            .ToList();
        var notes = exchange.Notes.Concat(result.Notes).ToList();
        if (secrets.PreMasterSecrets.Count > 0 && result.PreMasterSecrets.Count > 0
            && !secrets.PreMasterSecrets.Select(s => Convert.ToHexString(s.Span)).SequenceEqual(result.PreMasterSecrets.Select(s => Convert.ToHexString(s.Span))))
        {
            notes.Add("the premaster secrets the licensing key decrypts differ from the ones recorded with the exchange; the recorded ones are used");
        }

        return new ReplayExchange(exchange.Source, exchange.Name, pdus, updated, exchange.ExpectedOutcome, notes, exchange.FromCapture)
        {
            Revealed = [.. exchange.Revealed, .. result.Revealed],
        };
    }
}
