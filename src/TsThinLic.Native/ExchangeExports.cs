using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Transport;

namespace TsThinLic.Native;

/// <summary>The licensing exchange of include/tsthinlic.h ("Exchange"): begin, one server PDU per step, the outcome.</summary>
internal static unsafe class ExchangeExports
{
    /// <summary>enum tsthinlic_step.</summary>
    private const int StepSendAndWait = 1;
    private const int StepCompleted = 2;
    private const int StepFailed = 3;

    /// <summary>enum tsthinlic_result.</summary>
    private const int ResultPending = 0;
    private const int ResultValidClient = 1;
    private const int ResultLicenseIssued = 2;
    private const int ResultLicenseUpgraded = 3;
    private const int ResultFailed = 4;

    /// <summary>enum tsthinlic_failure values this layer adds to the core's reasons.</summary>
    private const int FailureTimeout = 9;
    private const int FailureConnectionClosed = 10;
    private const int FailureCallback = 12;
    private const int FailureInternal = 13;

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_exchange_begin", CallConvs = [typeof(CallConvCdecl)])]
    public static int Begin(nint store, ExchangeOptions* options, nint* exchange)
        => NativeBoundary.OnStore(store, "tsthinlic_exchange_begin", opened =>
        {
            if (exchange is null)
            {
                throw new NativeException(NativeStatus.InvalidArgument, "exchange is NULL");
            }

            *exchange = 0;
            LicensingExchangeOptions settings = Settings(CallerMemory.ReadStruct<ExchangeOptions>(options, "options"), opened);
            // Reads the store once; a HWID made here from the random source is stored only if the exchange succeeds.
            var begun = new NativeExchange(opened, new LicensingExchange(opened.Store, opened.Random, opened.Time, settings, opened.Logger));
            opened.AddReference();
            *exchange = HandleTable.Add(begun);
            return NativeStatus.Ok;
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_exchange_step", CallConvs = [typeof(CallConvCdecl)])]
    public static int Step(nint exchange, byte* pdu, nuint pduLength, byte* reply, nuint replyCapacity, nuint* replyLength, int* step)
        => NativeBoundary.OnExchange(exchange, "tsthinlic_exchange_step", running =>
        {
            if (step is null || replyLength is null)
            {
                throw new NativeException(NativeStatus.InvalidArgument, step is null ? "step is NULL" : "reply_length is NULL");
            }

            if ((pdu is null && pduLength != 0) || (reply is null && replyCapacity != 0))
            {
                throw new NativeException(NativeStatus.InvalidArgument, pdu is null ? $"pdu is NULL with a length of {pduLength}" : $"reply is NULL with a capacity of {replyCapacity}");
            }

            *step = 0;
            *replyLength = 0;
            if (running.IsOver)
            {
                throw new NativeException(NativeStatus.State, $"the exchange has ended ({Reason(running)}): begin a new one");
            }

            // Longer than any licensing PDU: refused unread (NativeExchange.Step), the exchange failed.
            ReadOnlySpan<byte> received = pduLength > int.MaxValue ? new ReadOnlySpan<byte>(pdu, int.MaxValue) : new ReadOnlySpan<byte>(pdu, (int)pduLength);
            running.Step(received);
            *step = running.Exchange.Outcome is not null ? StepCompleted : running.IsOver ? StepFailed : StepSendAndWait;
            return CallerMemory.WriteBytes(running.Reply, reply, replyCapacity, replyLength);
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_exchange_reply", CallConvs = [typeof(CallConvCdecl)])]
    public static int Reply(nint exchange, byte* reply, nuint replyCapacity, nuint* replyLength)
        => NativeBoundary.OnExchange(exchange, "tsthinlic_exchange_reply", running => CallerMemory.WriteBytes(running.Reply, reply, replyCapacity, replyLength));

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_exchange_outcome", CallConvs = [typeof(CallConvCdecl)])]
    public static int Outcome(nint exchange, ExchangeOutcome* outcome)
        => NativeBoundary.OnExchange(exchange, "tsthinlic_exchange_outcome", running =>
        {
            LicensingExchange core = running.Exchange;
            LicensingFailure? failure = core.Failure;
            var value = new ExchangeOutcome
            {
                Result = running.Broken is not null || failure is not null ? ResultFailed : core.Outcome switch
                {
                    LicensingOutcome.ValidClient => ResultValidClient,
                    LicensingOutcome.LicenseIssued => ResultLicenseIssued,
                    LicensingOutcome.LicenseUpgraded => ResultLicenseUpgraded,
                    _ => ResultPending,
                },
                Failure = running.Broken is not null ? (running.BrokenByCallback ? FailureCallback : FailureInternal) : failure is null ? 0 : FailureCode(failure.Reason),
                ServerErrorCode = failure?.ServerErrorCode is { } code ? (uint)code : 0,
                ServerStateTransition = failure?.ServerStateTransition is { } transition ? (uint)transition : 0,
                AlertSent = failure?.AlertSent is { } alert ? (uint)alert : 0,
                HardwareIdCreated = core.HardwareIdCreated ? 1 : 0,
                LicenseStored = core.StoredLicense is not null ? 1 : 0,
                LicensePresented = core.Client.PresentedLicense is not null ? 1 : 0,
                DecodeOffset = failure?.DecodeError is { } decodeError ? decodeError.Offset : -1,
            };
            CallerMemory.WriteStruct(outcome, value, "outcome");
            return NativeStatus.Ok;
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_exchange_reason", CallConvs = [typeof(CallConvCdecl)])]
    public static int ReasonText(nint exchange, byte* buffer, nuint capacity, nuint* length)
        => NativeBoundary.OnExchange(exchange, "tsthinlic_exchange_reason", running => CallerMemory.WriteText(Reason(running), buffer, capacity, length));

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_exchange_abandon", CallConvs = [typeof(CallConvCdecl)])]
    public static int Abandon(nint exchange, int failure)
        => NativeBoundary.OnExchange(exchange, "tsthinlic_exchange_abandon", running =>
        {
            LicensingFailureReason reason = failure switch
            {
                FailureTimeout => LicensingFailureReason.Timeout,
                FailureConnectionClosed => LicensingFailureReason.ConnectionClosed,
                _ => throw new NativeException(NativeStatus.InvalidArgument, $"failure {failure}: TSTHINLIC_FAILURE_TIMEOUT (9) or TSTHINLIC_FAILURE_CONNECTION_CLOSED (10)"),
            };
            if (running.IsOver)
            {
                throw new NativeException(NativeStatus.State, $"the exchange has already ended ({Reason(running)})");
            }

            running.Exchange.Fail(new LicensingFailure(reason, reason == LicensingFailureReason.Timeout
                ? $"the caller gave up waiting for the server's next licensing PDU (client {running.Exchange.Client.StateName})"
                : $"the connection closed while the client was {running.Exchange.Client.StateName}"));
            return NativeStatus.Ok;
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_exchange_last_error", CallConvs = [typeof(CallConvCdecl)])]
    public static int LastError(nint exchange, byte* buffer, nuint capacity, nuint* length)
        => NativeBoundary.Run("tsthinlic_exchange_last_error", null, () =>
        {
            NativeExchange running = HandleTable.Get<NativeExchange>(exchange) ?? throw new NativeException(NativeStatus.InvalidArgument, "not an open exchange");
            return CallerMemory.WriteText(running.LastError, buffer, capacity, length);
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_exchange_close", CallConvs = [typeof(CallConvCdecl)])]
    public static int Close(nint exchange)
    {
        if (exchange == 0)
        {
            return NativeStatus.Ok;
        }

        return NativeBoundary.OnExchange(exchange, "tsthinlic_exchange_close", running =>
        {
            HandleTable.Remove<NativeExchange>(exchange);
            running.Store.Release();
            return NativeStatus.Ok;
        });
    }

    private static LicensingExchangeOptions Settings(ExchangeOptions? options, NativeStore store)
    {
        if (options is not { } o)
        {
            return new LicensingExchangeOptions { PlatformId = store.PlatformId };
        }

        SecurityHeaderPolicy header = o.SecurityHeader switch
        {
            0 => SecurityHeaderPolicy.MirrorServer,
            1 => SecurityHeaderPolicy.Always,
            2 => SecurityHeaderPolicy.Never,
            _ => throw new NativeException(NativeStatus.InvalidArgument, $"options->security_header is {o.SecurityHeader}: TSTHINLIC_SECURITY_HEADER_MIRROR, _ALWAYS or _NEVER"),
        };
        ServerCertificate? certificate = null;
        byte[] gcc = CallerMemory.ReadBytes(o.GccServerCertificate, o.GccServerCertificateLength, LicensingPduDecoder.MaxPduLength, "options->gcc_server_certificate");
        if (gcc.Length > 0 && !ServerCertificate.TryDecode(gcc, out certificate, out DecodeError error))
        {
            throw new NativeException(NativeStatus.Malformed, $"options->gcc_server_certificate does not decode: {error}");
        }

        var defaults = new LicensingExchangeOptions();
        return new LicensingExchangeOptions
        {
            UserName = CallerMemory.ReadString(o.UserName, "options->user_name") ?? defaults.UserName,
            MachineName = CallerMemory.ReadString(o.MachineName, "options->machine_name") ?? defaults.MachineName,
            PlatformId = o.PlatformId != 0 ? o.PlatformId : store.PlatformId,
            Client = new LicensingClientOptions { GccServerCertificate = certificate, SecurityHeader = header },
        };
    }

    /// <summary>enum tsthinlic_failure for the core's reasons (the header's numbers, spelled out, never cast).</summary>
    private static int FailureCode(LicensingFailureReason reason) => reason switch
    {
        LicensingFailureReason.MalformedPdu => 1,
        LicensingFailureReason.UnexpectedPdu => 2,
        LicensingFailureReason.InvalidServerCertificate => 3,
        LicensingFailureReason.InvalidMac => 4,
        LicensingFailureReason.MalformedLicense => 5,
        LicensingFailureReason.ServerAborted => 6,
        LicensingFailureReason.TooManyRetries => 7,
        LicensingFailureReason.ExchangeOver => 8,
        LicensingFailureReason.Timeout => FailureTimeout,
        LicensingFailureReason.ConnectionClosed => FailureConnectionClosed,
        LicensingFailureReason.StoreFailed => 11,
        _ => FailureInternal,
    };

    private static string Reason(NativeExchange running)
    {
        LicensingExchange core = running.Exchange;
        if (running.Broken is { } broken)
        {
            return running.BrokenByCallback
                ? $"failed: a callback failed during a step ({broken}); nothing was stored"
                : $"failed: the library faulted during a step ({broken}); nothing was stored";
        }

        if (core.Failure is { } failure)
        {
            return $"failed: {failure.Reason}: {failure.Message}";
        }

        return core.Outcome switch
        {
            LicensingOutcome.ValidClient => "valid-client: the server accepted the client without issuing a license (STATUS_VALID_CLIENT)" + Stored(core),
            LicensingOutcome.LicenseIssued => "license-issued" + Stored(core),
            LicensingOutcome.LicenseUpgraded => "license-upgraded" + Stored(core),
            _ => $"pending: the client is {core.Client.StateName}",
        };
    }

    private static string Stored(LicensingExchange core)
    {
        string hwid = core.HardwareIdCreated ? "; a new HWID was stored" : string.Empty;
        return core.StoredLicense is { } license
            ? $": CAL {license.Key} ({license.LicenseInfo.Length} bytes) stored{hwid}"
            : core.Outcome == LicensingOutcome.ValidClient ? hwid : $": the CAL is byte-identical to the stored one, not rewritten{hwid}";
    }
}
