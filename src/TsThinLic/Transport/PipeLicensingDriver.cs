using System.Buffers;
using System.IO.Pipelines;
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
/// Runs one licensing exchange over pipes: frames the server's licensing PDUs by wMsgSize, steps the sans-I/O
/// <see cref="LicensingClient"/>, writes its replies, and persists through <see cref="ILicenseStore"/> only after the
/// client completed. The one write before the exchange is a first use's HWID, made and committed under the store's
/// lock (<see cref="ILicenseStore.LoadOrCreateHardwareId"/>) so that concurrent first uses agree on one; a failed
/// exchange writes nothing else. The only asynchronous code of the licensing path.
/// </summary>
public sealed class PipeLicensingDriver
{
    private readonly ILicenseStore _store;
    private readonly IRandomSource _random;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PipeLicensingDriverOptions _options;

    public PipeLicensingDriver(ILicenseStore store, IRandomSource random, TimeProvider time, PipeLicensingDriverOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _random = random;
        _time = time;
        _options = options ?? new PipeLicensingDriverOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Runs the exchange until the client completes or fails, the input ends, or the per-PDU timeout passes.
    /// Cancellation by <paramref name="cancellationToken"/> throws; every protocol or timeout failure is a result.
    /// </summary>
    public async Task<LicensingExchangeResult> RunAsync(PipeReader input, PipeWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);

        // DESIGN.md, Stores: load, generate and commit a first use's HWID in one critical section of the store.
        LicenseStoreSnapshot stored = _store.LoadOrCreateHardwareId(() => HardwareIdGenerator.Create(_options.PlatformId, _random), out bool hardwareIdCreated);
        ClientHardwareId hardwareId = stored.HardwareId ?? throw new InvalidOperationException("The store returned no HWID from LoadOrCreateHardwareId.");
        string fingerprint = Fingerprint(hardwareId);
        if (hardwareIdCreated)
        {
            Log.HardwareIdStored(_logger, fingerprint);
        }

        Log.ExchangeStarting(_logger, fingerprint, hardwareIdCreated ? "new" : "stored", stored.Licenses.Count);

        var client = new LicensingClient(new ClientIdentity(hardwareId, _options.UserName, _options.MachineName), stored, _random, _options.Client);
        var pdus = new List<LicensingPduRecord>();
        var reply = new ArrayBufferWriter<byte>(1024);

        LicensingExchangeResult Finish(LicensingOutcome? outcome, LicensingFailure? failure, StoredLicense? persisted = null)
        {
            if (failure is not null)
            {
                Log.ExchangeFailed(_logger, failure.Reason.ToString(), failure.Message);
            }

            return new LicensingExchangeResult(outcome, failure, pdus, hardwareId, hardwareIdCreated, persisted, client.PresentedLicense, client.LicenseRequest, client.CertificateVerification);
        }

        while (true)
        {
            ReadResult read;
            using (var timeout = new CancellationTokenSource(_options.Timeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    read = await input.ReadAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return Finish(null, new LicensingFailure(LicensingFailureReason.Timeout, $"no licensing PDU from the server within {_options.Timeout.TotalSeconds:0.###} s (client {client.StateName})"));
                }
            }

            ReadOnlySequence<byte> buffer = read.Buffer;
            SequencePosition consumed = buffer.Start;
            SequencePosition examined = buffer.End;
            try
            {
                // Process every whole frame in the buffer before looking at IsCompleted (Pipelines: process, then check).
                while (true)
                {
                    DecodeStatus status = LicensingPduDecoder.TryReadFrame(buffer, out SequencePosition frameEnd, out int frameLength, out DecodeError frameError);
                    if (status == DecodeStatus.NeedMoreData)
                    {
                        break;
                    }

                    if (status == DecodeStatus.Invalid)
                    {
                        // The declared length is impossible: nothing after it can be framed, so the exchange is over.
                        consumed = buffer.End;
                        return Finish(null, new LicensingFailure(LicensingFailureReason.MalformedPdu, $"the server's licensing PDU cannot be framed: {frameError}", decodeError: frameError));
                    }

                    byte[] frame = buffer.Slice(0, frameEnd).ToArray();
                    buffer = buffer.Slice(frameEnd);
                    consumed = frameEnd;

                    LicensingMessageType? receivedType = LicensingPduDecoder.TryDecode(frame, out LicensingPdu? decoded, out _) ? decoded.MessageType : null;
                    Record(pdus, LicensingPduDirection.Server, receivedType, frame);
                    Log.PduReceived(_logger, receivedType is { } t ? LicensingSpecNames.MessageType(t) : "undecodable PDU", frameLength);

                    reply.ResetWrittenCount();
                    LicensingStepResult step = decoded is not null ? client.Step(decoded, reply) : client.Step(frame, reply);
                    if (step.BytesWritten > 0)
                    {
                        byte[] sent = reply.WrittenSpan.ToArray();
                        Record(pdus, LicensingPduDirection.Client, step.Sent, sent);
                        Log.PduSent(_logger, step.Sent is { } s ? LicensingSpecNames.MessageType(s) : "?", sent.Length);
                        await output.WriteAsync(sent, cancellationToken).ConfigureAwait(false);
                    }

                    switch (step.Status)
                    {
                        case LicensingStatus.Failed:
                            return Finish(null, step.Failure);

                        case LicensingStatus.Completed:
                            return Complete(step, stored, hardwareId, Finish);
                    }
                }

                if (read.IsCompleted)
                {
                    string what = buffer.IsEmpty ? "the server closed the connection" : $"the server closed the connection in the middle of a PDU ({buffer.Length} bytes buffered)";
                    return Finish(null, new LicensingFailure(LicensingFailureReason.ConnectionClosed, $"{what} while the client was {client.StateName}"));
                }
            }
            finally
            {
                input.AdvanceTo(consumed, examined);
            }
        }
    }

    private LicensingExchangeResult Complete(
        LicensingStepResult step,
        LicenseStoreSnapshot stored,
        ClientHardwareId hardwareId,
        Func<LicensingOutcome?, LicensingFailure?, StoredLicense?, LicensingExchangeResult> finish)
    {
        LicensingOutcome outcome = step.Outcome!.Value;
        // The HWID is in the store already (committed before the exchange): only a CAL can be left to keep.
        if (ExchangeStoreUpdate.For(stored, hardwareId, hardwareIdCreated: false, step, _time.GetUtcNow(), out StoredLicense? license) is { } update)
        {
            try
            {
                _store.Save(update);
            }
            catch (LicenseStoreException exception)
            {
                Log.StoreSaveFailed(_logger, exception);
                return finish(null, new LicensingFailure(LicensingFailureReason.StoreFailed, $"the server's answer was {outcome}, but the store refused it: {exception.Message}"), null);
            }

            if (license is not null)
            {
                Log.LicenseStored(_logger, license.Key.ToString(), license.LicenseInfo.Length);
            }
        }

        Log.ExchangeCompleted(_logger, outcome.ToString());
        return finish(outcome, null, license);
    }

    private void Record(List<LicensingPduRecord> pdus, LicensingPduDirection direction, LicensingMessageType? type, byte[] bytes)
    {
        var record = new LicensingPduRecord(direction, type, bytes, _time.GetUtcNow());
        pdus.Add(record);
        _options.OnPdu?.Invoke(record);
    }

    private static string Fingerprint(ClientHardwareId hardwareId) => HardwareIdFingerprint.Compute(hardwareId.ToArray());
}
