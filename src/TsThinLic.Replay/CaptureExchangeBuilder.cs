using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Replay.Capture;

namespace TsThinLic.Replay;

/// <summary>
/// Turns a captured connection into an exchange to replay, taking from the captured client what it said in the
/// clear: its PlatformId, user and machine names (NEW_LICENSE_REQUEST), its client randoms, and the CAL it presented
/// in LICENSE_INFO, which is seeded into the replayed client's store under the key of the LICENSE_REQUEST it
/// answered, so the replayed client faces the same situation. The premaster secret and the HWID travel encrypted
/// and stay unknown.
/// </summary>
public static class CaptureExchangeBuilder
{
    /// <summary>Builds the exchange of one connection (null when it carried no licensing PDU).</summary>
    public static ReplayExchange? FromConnection(string source, CapturedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Pdus.Count == 0)
        {
            return null;
        }

        var pdus = new List<ReplayPdu>();
        var clientRandoms = new List<ReadOnlyMemory<byte>>();
        var licenses = new List<StoredLicense>();
        uint? platformId = null;
        string? userName = null;
        string? machineName = null;
        ServerLicenseRequest? lastRequest = null;
        ReplayExpectedOutcome? outcome = null;
        foreach (CapturedLicensingPdu captured in connection.Pdus)
        {
            pdus.Add(new ReplayPdu(captured.Direction, captured.Bytes, captured.IsEncrypted, captured.Timestamp, captured.FrameIndex + 1)
            {
                Decryption = captured.Decryption,
                DecryptionFailure = captured.DecryptionFailed ? "decrypted, but its Standard RDP Security MAC does not verify: it was altered, or the server key is wrong" : null,
            });
            if (captured.IsEncrypted || !LicensingPduDecoder.TryDecode(captured.Bytes.Span, out LicensingPdu? pdu, out _))
            {
                continue;
            }

            switch (pdu)
            {
                case ServerLicenseRequest request:
                    lastRequest = request;
                    break;
                case ClientNewLicenseRequest request:
                    platformId ??= request.PlatformId;
                    userName ??= request.ClientUserName;
                    machineName ??= request.ClientMachineName;
                    clientRandoms.Add(request.ClientRandom);
                    break;
                case ClientLicenseInfo info:
                    platformId ??= info.PlatformId;
                    clientRandoms.Add(info.ClientRandom);
                    if (lastRequest is not null && !info.LicenseInfo.IsEmpty && info.LicenseInfo.Data.Length <= StoredLicense.MaxLicenseInfoLength
                        && licenses.Count == 0)
                    {
                        var key = new LicenseKey(
                            lastRequest.ProductInfo.Version,
                            lastRequest.Scopes.Count > 0 ? lastRequest.Scopes[0] : string.Empty,
                            lastRequest.ProductInfo.CompanyName,
                            lastRequest.ProductInfo.ProductId);
                        licenses.Add(new StoredLicense(key, info.LicenseInfo.Data, DateTimeOffset.UnixEpoch));
                    }

                    break;
            }

            if (captured.Direction == CaptureDirection.ServerToClient)
            {
                outcome = pdu switch
                {
                    LicenseErrorAlert alert when alert.IsValidClient => ReplayExpectedOutcome.ValidClient,
                    LicenseErrorAlert alert when alert.StateTransition == LicensingStateTransition.TotalAbort => ReplayExpectedOutcome.Failed,
                    ServerNewLicense license => license.MessageType == LicensingMessageType.UpgradeLicense ? ReplayExpectedOutcome.LicenseUpgraded : ReplayExpectedOutcome.LicenseIssued,
                    _ => null,
                };
            }
            else if (pdu is LicenseErrorAlert)
            {
                outcome = ReplayExpectedOutcome.Failed;
            }
        }

        var secrets = new ReplaySecrets
        {
            ClientRandoms = clientRandoms,
            PlatformId = platformId,
            UserName = userName,
            MachineName = machineName,
            StoredLicenses = licenses,
            GccServerCertificate = connection.ServerSecurity?.ServerCertificate ?? ReadOnlyMemory<byte>.Empty,
        };
        IReadOnlyList<string> notes = connection.Decryption is { } decryption ? [decryption, .. connection.Notes] : connection.Notes;
        return new ReplayExchange(source, connection.Name, pdus, secrets, outcome, notes, fromCapture: true);
    }
}
