using System.Buffers;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;

namespace TsThinLic.Tests.Fakes;

/// <summary>
/// Plays a <see cref="LicensingClient"/> against an <see cref="EmulatedLicenseServer"/> with no I/O at all: the
/// server's output is framed and handed to the client PDU by PDU, the client's replies to the server. Records every
/// step so a test can look at the whole conversation.
/// </summary>
internal sealed class SansIoExchange
{
    private const int MaxRounds = 64;

    public List<(string Direction, LicensingMessageType Type, byte[] Bytes)> Pdus { get; } = [];

    public List<LicensingStepResult> Steps { get; } = [];

    public LicensingStepResult? Last => Steps.Count == 0 ? null : Steps[^1];

    public static SansIoExchange Run(LicensingClient client, EmulatedLicenseServer server)
    {
        var exchange = new SansIoExchange();
        var toClient = new ArrayBufferWriter<byte>();
        server.Start(toClient);
        for (int round = 0; round < MaxRounds; round++)
        {
            byte[] serverBytes = toClient.WrittenSpan.ToArray();
            toClient.ResetWrittenCount();
            if (serverBytes.Length == 0)
            {
                return exchange;
            }

            foreach (byte[] frame in Frames(serverBytes))
            {
                exchange.Pdus.Add(("server", (LicensingMessageType)Type(frame), frame));
                var toServer = new ArrayBufferWriter<byte>();
                LicensingStepResult step = client.Step(frame, toServer);
                exchange.Steps.Add(step);
                if (toServer.WrittenCount > 0)
                {
                    byte[] reply = toServer.WrittenSpan.ToArray();
                    exchange.Pdus.Add(("client", (LicensingMessageType)Type(reply), reply));
                    server.Receive(reply, toClient);
                }

                if (client.IsFinished)
                {
                    return exchange;
                }
            }
        }

        throw new InvalidOperationException("The exchange did not end.");
    }

    public static IEnumerable<byte[]> Frames(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        while (!buffer.IsEmpty)
        {
            DecodeStatus status = LicensingPduDecoder.TryReadFrame(buffer, out SequencePosition end, out _, out DecodeError error);
            if (status != DecodeStatus.Complete)
            {
                throw new InvalidOperationException($"The server wrote bytes that do not frame: {status} {error}");
            }

            yield return buffer.Slice(0, end).ToArray();
            buffer = buffer.Slice(end);
        }
    }

    private static byte Type(byte[] frame) => LicensingPduDecoder.TryDecode(frame, out LicensingPdu? pdu, out _) ? (byte)pdu.MessageType : (byte)0;

    public IEnumerable<LicensingMessageType> Sequence() => Pdus.Select(p => p.Type);

    public string Describe() => string.Join(" → ", Pdus.Select(p => $"{p.Direction}:{LicensingSpecNames.MessageType(p.Type)}"));
}
