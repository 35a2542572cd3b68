using System.Buffers;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Connection;

public sealed class RdpConnectionSequenceTests
{
    private static readonly ClientIdentity s_identity = new(new ClientHardwareId(0x04010000, new byte[16]), "user", "thinclient");

    private static RdpConnectionSequence NewSequence(NegotiationProtocols requested = NegotiationProtocols.Rdp)
        => new(new RdpConnectionOptions { RequestedProtocols = requested, UserName = "user" }, s_identity, new MemoryLicenseStore().Load(), new SequenceRandomSource(0x10));

    /// <summary>Plays the sequence against the fake server until it completes or fails; handles StartTls by calling TlsEstablished.</summary>
    private static ConnectionStepResult Run(RdpConnectionSequence sequence, FakeRdpServer server, int maxSteps = 64)
    {
        var output = new ArrayBufferWriter<byte>();
        ConnectionStepResult step = sequence.Start(output);
        var toServer = new Queue<byte[]>();
        var toClient = new Queue<byte[]>();
        for (int i = 0; i < maxSteps; i++)
        {
            foreach (byte[] packet in Split(output.WrittenSpan))
            {
                toServer.Enqueue(packet);
            }

            output.ResetWrittenCount();
            while (toServer.Count > 0)
            {
                foreach (byte[] reply in server.Handle(toServer.Dequeue()))
                {
                    toClient.Enqueue(reply);
                }
            }

            if (step.Status is ConnectionStatus.Completed or ConnectionStatus.Failed)
            {
                return step;
            }

            if (step.Status == ConnectionStatus.StartTls)
            {
                step = sequence.TlsEstablished(output);
                continue;
            }

            Assert.True(toClient.Count > 0, $"the client waits in {sequence.Phase} but the server sent nothing");
            step = sequence.Step(toClient.Dequeue(), output);
        }

        throw new InvalidOperationException("the exchange did not end");
    }

    private static IEnumerable<byte[]> Split(ReadOnlySpan<byte> packets)
    {
        var list = new List<byte[]>();
        while (!packets.IsEmpty)
        {
            int length = (packets[2] << 8) | packets[3];
            list.Add(packets[..length].ToArray());
            packets = packets[length..];
        }

        return list;
    }

    [Fact]
    public void StandardSecurityWithoutEncryptionReachesValidClient()
    {
        var server = new FakeRdpServer(EmulatedServerScript.ValidClient);
        RdpConnectionSequence sequence = NewSequence();
        ConnectionStepResult result = Run(sequence, server);

        Assert.Equal(ConnectionStatus.Completed, result.Status);
        Assert.Equal(LicensingOutcome.ValidClient, result.Licensing!.Outcome);
        Assert.Equal(ConnectionPhase.Finished, sequence.Phase);
        Assert.Equal(new ushort[] { FakeRdpServer.UserId, FakeRdpServer.IoChannel }, sequence.JoinedChannels);
        Assert.Equal(
            ["X224ConnectionRequest", "McsConnectInitial", "ErectDomainRequest", "AttachUserRequest", "ChannelJoinRequest", "ChannelJoinRequest", "ClientInfo", "Licensing", "DisconnectProviderUltimatum"],
            server.ClientPdus);
        Assert.Equal(ServerVerdictKind.DemandActive, result.Verdict!.Kind);
        Assert.Empty(server.License.Violations);
        Assert.Equal(new[] { LicensingMessageType.NewLicenseRequest }, server.License.Received);
    }

    [Fact]
    public void TlsAsksTheCallerForTheHandshakeThenContinues()
    {
        var server = new FakeRdpServer { Selected = NegotiationProtocols.Ssl };
        RdpConnectionSequence sequence = NewSequence(NegotiationProtocols.Ssl);
        var output = new ArrayBufferWriter<byte>();
        sequence.Start(output);
        byte[] confirm = server.Handle(output.WrittenSpan)[0];
        output.ResetWrittenCount();
        ConnectionStepResult step = sequence.Step(confirm, output);
        Assert.Equal(ConnectionStatus.StartTls, step.Status);
        Assert.Equal(0, output.WrittenCount);
        Assert.Equal(ConnectionPhase.TlsHandshake, sequence.Phase);

        ConnectionStepResult completed = Run(NewSequence(NegotiationProtocols.Ssl), new FakeRdpServer { Selected = NegotiationProtocols.Ssl });
        Assert.Equal(ConnectionStatus.Completed, completed.Status);
    }

    [Fact]
    public void InterleavedNonLicensingPdusAreRoutedNotRejected()
    {
        var server = new FakeRdpServer(EmulatedServerScript.ValidClient) { Interleave = true };
        RdpConnectionSequence sequence = NewSequence();
        ConnectionStepResult result = Run(sequence, server);
        Assert.Equal(ConnectionStatus.Completed, result.Status);
        Assert.Equal(LicensingOutcome.ValidClient, result.Licensing!.Outcome);
        Assert.Equal(4, sequence.RoutedPastLicensing); // two before each of the two server licensing PDUs
    }

    [Fact]
    public void PlatformChallengeAndNewLicenseThroughTheSequence()
    {
        var server = new FakeRdpServer(EmulatedServerScript.NewLicense);
        RdpConnectionSequence sequence = NewSequence();
        ConnectionStepResult result = Run(sequence, server);
        Assert.Equal(ConnectionStatus.Completed, result.Status);
        Assert.Equal(LicensingOutcome.LicenseIssued, result.Licensing!.Outcome);
        Assert.NotNull(result.Licensing.License);
        Assert.Empty(server.License.Violations);
    }

    [Theory]
    [InlineData(NegotiationFailureCode.HybridRequiredByServer, "HYBRID_REQUIRED_BY_SERVER")]
    [InlineData(NegotiationFailureCode.SslRequiredByServer, "SSL_REQUIRED_BY_SERVER")]
    public void NegotiationFailureIsReportedByName(NegotiationFailureCode code, string name)
    {
        ConnectionStepResult result = Run(NewSequence(), new FakeRdpServer { NegotiationFailure = code });
        Assert.Equal(ConnectionStatus.Failed, result.Status);
        Assert.Equal(ConnectionFailureReason.NegotiationFailed, result.Failure!.Reason);
        Assert.Equal(code, result.Failure.NegotiationFailure);
        Assert.Contains(name, result.Failure.Message);
    }

    [Fact]
    public void ProtocolNotRequestedIsRefused()
    {
        ConnectionStepResult result = Run(NewSequence(NegotiationProtocols.Ssl), new FakeRdpServer { Selected = NegotiationProtocols.Hybrid });
        Assert.Equal(ConnectionFailureReason.ProtocolNotSupported, result.Failure!.Reason);
        Assert.Contains("PROTOCOL_HYBRID", result.Failure.Message);
    }

    [Fact]
    public void DisconnectProviderUltimatumEndsTheSequence()
    {
        ConnectionStepResult result = Run(NewSequence(), new FakeRdpServer { DisconnectAfterClientInfo = true });
        Assert.Equal(ConnectionFailureReason.ServerDisconnected, result.Failure!.Reason);
        Assert.Equal(ConnectionPhase.Licensing, result.Failure.Phase);
    }

    [Fact]
    public void LicensingErrorIsAFailureWithTheServerCode()
    {
        var script = EmulatedServerScript.ErrorAt(1, LicensingErrorCode.NoLicenseServer, LicensingStateTransition.TotalAbort);
        ConnectionStepResult result = Run(NewSequence(), new FakeRdpServer(script));
        Assert.Equal(ConnectionFailureReason.LicensingFailed, result.Failure!.Reason);
        Assert.Equal(LicensingErrorCode.NoLicenseServer, result.Failure.Licensing!.ServerErrorCode);
    }

    [Fact]
    public void EveryTruncationOfTheConnectResponseIsATypedError()
    {
        var server = new FakeRdpServer();
        RdpConnectionSequence probe = NewSequence();
        var output = new ArrayBufferWriter<byte>();
        probe.Start(output);
        byte[] confirm = server.Handle(output.WrittenSpan)[0];
        output.ResetWrittenCount();
        probe.Step(confirm, output);
        byte[] response = server.Handle(output.WrittenSpan)[0];
        byte[] mcs = response[7..];
        for (int length = 0; length < mcs.Length; length++)
        {
            RdpConnectionSequence sequence = NewSequence();
            sequence.Start(new ArrayBufferWriter<byte>());
            sequence.Step(confirm, new ArrayBufferWriter<byte>());
            byte[] truncated = X224Data.Wrap(mcs.AsSpan(0, length));
            ConnectionStepResult step = sequence.Step(truncated, new ArrayBufferWriter<byte>());
            Assert.Equal(ConnectionStatus.Failed, step.Status);
            Assert.Equal(ConnectionFailureReason.MalformedPdu, step.Failure!.Reason);
            Assert.NotNull(step.Failure.DecodeError);
        }
    }
}
