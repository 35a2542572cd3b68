using System.Buffers;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Transport;

namespace TsThinLic.Native;

/// <summary>
/// What a tsthinlic_exchange handle names: the shared <see cref="LicensingExchange"/> (the driver's steps without the
/// pipes, so the store is written exactly as the managed driver writes it), the last reply for
/// tsthinlic_exchange_reply, and the last-error text. An exchange whose step stopped on a failing callback or a fault
/// is over: it is reported failed and stores nothing.
/// </summary>
internal sealed class NativeExchange(NativeStore store, LicensingExchange exchange)
{
    private readonly ArrayBufferWriter<byte> _reply = new(1024);

    public NativeStore Store { get; } = store;

    public LicensingExchange Exchange { get; } = exchange;

    public string LastError { get; set; } = string.Empty;

    /// <summary>The client's reply to the last PDU (empty when it sent nothing).</summary>
    public ReadOnlySpan<byte> Reply => _reply.WrittenSpan;

    /// <summary>Why the exchange stopped outside the protocol (a callback failed, a fault), or null.</summary>
    public string? Broken { get; private set; }

    /// <summary>Whether <see cref="Broken"/> was a callback of the caller's.</summary>
    public bool BrokenByCallback { get; private set; }

    public bool IsOver => Broken is not null || Exchange.IsFinished;

    /// <summary>Steps on one server PDU; the reply is kept in <see cref="Reply"/>.</summary>
    public LicensingStepResult? Step(ReadOnlySpan<byte> pdu)
    {
        _reply.ResetWrittenCount();
        // wMsgSize is 16-bit: nothing longer (with its security header) is a licensing PDU, and it is not read.
        if (pdu.Length > LicensingPduDecoder.MaxPduLength + SecurityHeader.Length)
        {
            Exchange.Fail(new LicensingFailure(LicensingFailureReason.MalformedPdu, $"a licensing PDU of {pdu.Length} bytes; wMsgSize allows at most {LicensingPduDecoder.MaxPduLength} (and a {SecurityHeader.Length}-byte security header)"));
            return null;
        }

        try
        {
            return Exchange.Step(pdu, _reply, out _);
        }
        catch (Exception exception) when (exception is not NativeException)
        {
            // The client may be half-way through a step: it takes no more PDUs, and nothing was stored (the store is
            // written last, in one update, and a store failure is a result, not an exception).
            _reply.ResetWrittenCount();
            Broken = exception.Message;
            BrokenByCallback = exception is NativeCallbackException;
            throw;
        }
    }
}
