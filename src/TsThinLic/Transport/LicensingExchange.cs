using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Logging;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;

namespace TsThinLic.Transport;

/// <summary>
/// One licensing exchange against a store, without the I/O: the part the pipe driver and the C library share. It loads
/// the store once (making a HWID from the random source when there is none), steps the sans-I/O
/// <see cref="LicensingClient"/> one framed server PDU at a time, and when the client completes writes what
/// <see cref="ExchangeStoreUpdate"/> says in one atomic <see cref="ILicenseStore.Save"/>. A failed exchange never
/// reaches the store; a store that refuses the update turns the exchange into a failure and stays as it was.
/// </summary>
public sealed class LicensingExchange
{
    private readonly ILicenseStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LicenseStoreSnapshot _stored;

    /// <summary>Loads the store and prepares the client.</summary>
    /// <exception cref="LicenseStoreException">The store cannot be read at all.</exception>
    public LicensingExchange(ILicenseStore store, IRandomSource random, TimeProvider time, LicensingExchangeOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new LicensingExchangeOptions();
        _store = store;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _stored = store.Load();
        HardwareIdCreated = _stored.HardwareId is null;
        HardwareId = _stored.HardwareId ?? HardwareIdGenerator.Create(options.PlatformId, random);
        Log.ExchangeStarting(_logger, Fingerprint(HardwareId), HardwareIdCreated ? "new" : "stored", _stored.Licenses.Count);
        Client = new LicensingClient(new ClientIdentity(HardwareId, options.UserName, options.MachineName), _stored, random, options.Client);
    }

    /// <summary>The HWID the client uses: the stored one, or one made for this exchange.</summary>
    public ClientHardwareId HardwareId { get; }

    /// <summary>Whether <see cref="HardwareId"/> was made for this exchange (it is stored only when the exchange succeeds).</summary>
    public bool HardwareIdCreated { get; }

    /// <summary>The sans-I/O client (its presented license, the server's request and certificate verdict).</summary>
    public LicensingClient Client { get; }

    /// <summary>Whether the exchange has ended: completed and persisted, or failed.</summary>
    public bool IsFinished => Outcome is not null || Failure is not null;

    /// <summary>How the exchange completed, once it has and its result is persisted; null otherwise.</summary>
    public LicensingOutcome? Outcome { get; private set; }

    /// <summary>Why the exchange failed (the server, the client, or the store refusing its result); null otherwise.</summary>
    public LicensingFailure? Failure { get; private set; }

    /// <summary>The CAL this exchange persisted, if any.</summary>
    public StoredLicense? StoredLicense { get; private set; }

    /// <summary>
    /// Steps on one framed server licensing PDU (with or without its security header) and writes the client's reply,
    /// if any, into <paramref name="reply"/>. When the client completes, the store is updated before this returns.
    /// </summary>
    /// <param name="frame">The PDU.</param>
    /// <param name="reply">Where the client's reply goes.</param>
    /// <param name="received">bMsgType of the PDU, or null when it does not decode.</param>
    public LicensingStepResult Step(ReadOnlySpan<byte> frame, IBufferWriter<byte> reply, out LicensingMessageType? received)
    {
        ArgumentNullException.ThrowIfNull(reply);
        bool decodes = LicensingPduDecoder.TryDecode(frame, out LicensingPdu? decoded, out _);
        received = decodes ? decoded!.MessageType : null;
        Log.PduReceived(_logger, received is { } t ? LicensingSpecNames.MessageType(t) : "undecodable PDU", frame.Length);
        if (IsFinished)
        {
            // The client answers a PDU after the end with its own "exchange over" failure; the outcome stays.
            return decodes ? Client.Step(decoded!, reply) : Client.Step(frame, reply);
        }

        LicensingStepResult step = decodes ? Client.Step(decoded!, reply) : Client.Step(frame, reply);
        if (step.BytesWritten > 0)
        {
            Log.PduSent(_logger, step.Sent is { } s ? LicensingSpecNames.MessageType(s) : "?", step.BytesWritten);
        }

        switch (step.Status)
        {
            case LicensingStatus.Failed:
                Fail(step.Failure!);
                break;
            case LicensingStatus.Completed:
                Complete(step);
                break;
        }

        return step;
    }

    /// <summary>Ends the exchange for a reason outside the client (a timeout, a closed connection, a frame that cannot be read).</summary>
    public void Fail(LicensingFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (IsFinished)
        {
            return;
        }

        Failure = failure;
        Log.ExchangeFailed(_logger, failure.Reason.ToString(), failure.Message);
    }

    private void Complete(LicensingStepResult step)
    {
        LicensingOutcome outcome = step.Outcome!.Value;
        if (ExchangeStoreUpdate.For(_stored, HardwareId, HardwareIdCreated, step, _time.GetUtcNow(), out StoredLicense? license) is { } update)
        {
            try
            {
                // One atomic update: a new HWID and the CAL issued to it are kept together or not at all.
                _store.Save(update);
            }
            catch (LicenseStoreException exception)
            {
                Log.StoreSaveFailed(_logger, exception);
                Fail(new LicensingFailure(LicensingFailureReason.StoreFailed, $"the server's answer was {outcome}, but the store refused it: {exception.Message}"));
                return;
            }

            if (HardwareIdCreated)
            {
                Log.HardwareIdStored(_logger, Fingerprint(HardwareId));
            }

            if (license is not null)
            {
                Log.LicenseStored(_logger, license.Key.ToString(), license.LicenseInfo.Length);
            }
        }

        StoredLicense = license;
        Outcome = outcome;
        Log.ExchangeCompleted(_logger, outcome.ToString());
    }

    private static string Fingerprint(ClientHardwareId hardwareId) => HardwareIdFingerprint.Compute(hardwareId.ToArray());
}
