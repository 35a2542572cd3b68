using System.Buffers;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Records;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// The RDP connection sequence up to and through licensing, fed a server's byte stream: TPKT framing, X.224 Connection
/// Confirm, MCS Connect Response with the GCC Conference Create Response (server core, security and network data, the
/// server certificate), MCS Attach User / Channel Join confirms, Standard RDP Security (decryption and MAC of
/// encrypted licensing PDUs) and the licensing PDUs (<see cref="RdpConnectionSequence.Step"/>); and each packet also
/// through the decoders directly, re-encoded where they encode.
/// </summary>
/// <remarks>
/// <para>Input: one configuration byte (bit 0: ask for TLS instead of Standard RDP Security; the TLS layer is taken as
/// established when the sequence asks for it), a count of random blocks (at most 4) each as a length byte and its
/// bytes (what the client's random source hands out, so a recorded session replays), then the server's stream.</para>
/// <para>Invariants: nothing throws; a step allocates at most four times the packet plus 512 KiB (decoding, RSA with
/// the largest key accepted, the replies); a failure says why; X.224 CC, MCS Connect Response and GCC Conference
/// Create Response decode→encode→decode→encode give the same bytes.</para>
/// </remarks>
public sealed class RdpConnectionTarget : FuzzTarget
{
    private const int MaxSteps = 64;
    private const int MaxRandomBlocks = 4;
    private const int FixedAllowance = 512 * 1024;

    private static readonly ClientIdentity s_identity = new(new ClientHardwareId(0x04010000, 0x0A0B0C0D, 0x01020304, 0x05060708, 0x090A0B0C), "probe", "ci-thinclient");

    public override string Name => "rdp-connection";

    public override string Covers => "RdpConnectionSequence.Step over server streams (Tpkt, X224ConnectionConfirm, McsConnectResponse, GccConferenceCreateResponse, ServerSecurityData, McsDomainPdu, Standard RDP Security, licensing), decoder round trips";

    public override int MaxInputLength => 64 * 1024;

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
    {
        foreach (ProbeRecordings.Recording recording in ProbeRecordings.All(sources))
        {
            var input = new List<byte> { recording.Tls ? (byte)1 : (byte)0, (byte)Math.Min(recording.RandomBlocks.Count, MaxRandomBlocks) };
            foreach (byte[] block in recording.RandomBlocks.Take(MaxRandomBlocks))
            {
                input.Add((byte)block.Length);
                input.AddRange(block);
            }

            foreach (byte[] packet in recording.ServerPackets)
            {
                input.AddRange(packet);
            }

            yield return new FuzzSeed(recording.Mode, [.. input]);
        }
    }

    protected override void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2)
        {
            return;
        }

        bool tls = (input[0] & 1) != 0;
        int count = Math.Min((int)input[1], MaxRandomBlocks);
        ReadOnlySpan<byte> rest = input[2..];
        var blocks = new List<byte[]>();
        for (int i = 0; i < count && !rest.IsEmpty; i++)
        {
            int length = Math.Min(rest[0], rest.Length - 1);
            blocks.Add(rest.Slice(1, length).ToArray());
            rest = rest[(1 + length)..];
        }

        var sequence = new RdpConnectionSequence(
            new RdpConnectionOptions { RequestedProtocols = tls ? NegotiationProtocols.Ssl : NegotiationProtocols.Rdp, UserName = "probe", ClientName = "ci-thinclient" },
            s_identity,
            LicenseStoreSnapshot.Empty,
            new FuzzRandomSource(blocks));
        var output = new ArrayBufferWriter<byte>();
        ConnectionStepResult step = sequence.Start(output);
        for (int steps = 0; steps < MaxSteps && !IsOver(step); steps++)
        {
            if (step.Status == ConnectionStatus.StartTls)
            {
                output.ResetWrittenCount();
                step = sequence.TlsEstablished(output);
                continue;
            }

            DecodeStatus framed = Tpkt.TryReadFrame(rest, out int packetLength, out DecodeError error);
            if (framed != DecodeStatus.Complete)
            {
                Check(!string.IsNullOrEmpty(error.Field) || framed == DecodeStatus.NeedMoreData, $"a TPKT framing failure that names no field: {error}");
                break;
            }

            Check(packetLength > 0 && packetLength <= rest.Length, $"TPKT framed {packetLength} of {rest.Length} bytes");
            ReadOnlySpan<byte> packet = rest[..packetLength];
            rest = rest[packetLength..];
            RoundTrips(packet);

            output.ResetWrittenCount();
            long mark = AllocationMark();
            step = sequence.Step(packet, output);
            CheckAllocated(mark, (4L * packet.Length) + FixedAllowance, $"RdpConnectionSequence.Step ({sequence.Phase})", packet.Length);
            Check(step.BytesWritten == output.WrittenCount, $"the step reports {step.BytesWritten} bytes written, the buffer holds {output.WrittenCount}");
            Check(step.Status != ConnectionStatus.Failed || step.Failure is not null, "a failed step that does not say why");
        }
    }

    private static bool IsOver(ConnectionStepResult step) => step.Status is ConnectionStatus.Completed or ConnectionStatus.Failed;

    /// <summary>The packet through each decoder that could apply, and back through its encoder where there is one.</summary>
    private void RoundTrips(ReadOnlySpan<byte> packet)
    {
        if (X224ConnectionConfirm.TryDecode(packet, out X224ConnectionConfirm? confirm, out _))
        {
            byte[] encoded = confirm.ToArray();
            Check(X224ConnectionConfirm.TryDecode(encoded, out X224ConnectionConfirm? again, out DecodeError error), $"X.224 CC decode→encode→decode failed: {error}");
            CheckSameBytes(encoded, again!.ToArray(), "X.224 CC decode→encode→decode→encode");
        }

        if (!X224Data.TryUnwrap(packet, out ReadOnlySpan<byte> mcs, out _))
        {
            return;
        }

        McsDomainPdu.TryDecode(mcs.ToArray(), 0, out _, out _);
        if (McsConnectResponse.TryDecode(mcs, 0, out McsConnectResponse? response, out _))
        {
            byte[] encoded = response.ToArray();
            Check(McsConnectResponse.TryDecode(encoded, 0, out McsConnectResponse? again, out DecodeError error), $"MCS Connect Response decode→encode→decode failed: {error}");
            CheckSameBytes(encoded, again!.ToArray(), "MCS Connect Response decode→encode→decode→encode");

            if (GccConferenceCreateResponse.TryDecode(response.UserData, 0, out GccConferenceCreateResponse? gcc, out _))
            {
                byte[] gccEncoded = gcc.ToArray();
                Check(GccConferenceCreateResponse.TryDecode(gccEncoded, 0, out GccConferenceCreateResponse? gccAgain, out DecodeError gccError), $"GCC Conference Create Response decode→encode→decode failed: {gccError}");
                CheckSameBytes(gccEncoded, gccAgain!.ToArray(), "GCC Conference Create Response decode→encode→decode→encode");
            }
        }
    }
}
