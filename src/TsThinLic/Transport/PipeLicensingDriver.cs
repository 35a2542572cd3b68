using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Storage;

namespace TsThinLic.Transport;

/// <summary>
/// Runs one licensing exchange over pipes: frames the server's licensing PDUs by wMsgSize, steps the sans-I/O
/// <see cref="LicensingClient"/>, writes its replies, and persists through <see cref="ILicenseStore"/> only after the
/// client completed. A failed exchange never reaches the store. The only asynchronous code of the licensing path.
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

        var exchange = new LicensingExchange(_store, _random, _time, _options.ToExchangeOptions(), _logger);
        LicensingClient client = exchange.Client;
        var pdus = new List<LicensingPduRecord>();
        var reply = new ArrayBufferWriter<byte>(1024);

        LicensingExchangeResult Finish(LicensingFailure? failure = null)
        {
            if (failure is not null)
            {
                exchange.Fail(failure);
            }

            return new LicensingExchangeResult(exchange.Failure is null ? exchange.Outcome : null, exchange.Failure, pdus, exchange.HardwareId, exchange.HardwareIdCreated, exchange.StoredLicense, client.PresentedLicense, client.LicenseRequest, client.CertificateVerification);
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
                    return Finish(new LicensingFailure(LicensingFailureReason.Timeout, $"no licensing PDU from the server within {_options.Timeout.TotalSeconds:0.###} s (client {client.StateName})"));
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
                        return Finish(new LicensingFailure(LicensingFailureReason.MalformedPdu, $"the server's licensing PDU cannot be framed: {frameError}", decodeError: frameError));
                    }

                    byte[] frame = buffer.Slice(0, frameEnd).ToArray();
                    buffer = buffer.Slice(frameEnd);
                    consumed = frameEnd;

                    reply.ResetWrittenCount();
                    LicensingStepResult step = exchange.Step(frame, reply, out LicensingMessageType? receivedType);
                    Record(pdus, LicensingPduDirection.Server, receivedType, frame);
                    if (step.BytesWritten > 0)
                    {
                        byte[] sent = reply.WrittenSpan.ToArray();
                        Record(pdus, LicensingPduDirection.Client, step.Sent, sent);
                        await output.WriteAsync(sent, cancellationToken).ConfigureAwait(false);
                    }

                    if (exchange.IsFinished)
                    {
                        return Finish();
                    }
                }

                if (read.IsCompleted)
                {
                    string what = buffer.IsEmpty ? "the server closed the connection" : $"the server closed the connection in the middle of a PDU ({buffer.Length} bytes buffered)";
                    return Finish(new LicensingFailure(LicensingFailureReason.ConnectionClosed, $"{what} while the client was {client.StateName}"));
                }
            }
            finally
            {
                input.AdvanceTo(consumed, examined);
            }
        }
    }

    private void Record(List<LicensingPduRecord> pdus, LicensingPduDirection direction, LicensingMessageType? type, byte[] bytes)
    {
        var record = new LicensingPduRecord(direction, type, bytes, _time.GetUtcNow());
        pdus.Add(record);
        _options.OnPdu?.Invoke(record);
    }
}
