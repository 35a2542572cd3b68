using System.Buffers;
using TsThinLic.Emulator;
using TsThinLic.Emulator.Serving;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Rdp.Tls;
using TsThinLic.Records;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Serving;

/// <summary>
/// The server's state machine against our own client's (RdpConnectionSequence), sans-I/O and in memory, TLS through
/// both TLS sessions: every security mode and method, the pool's temporary-then-permanent CAL, every scripted error
/// code × transition × step, Set Error Info after licensing, and the record each connection leaves.
/// </summary>
public sealed class RdpServerConnectionTests
{
    private static readonly DateTimeOffset s_start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<ServerSecurityMode, NegotiationProtocols, EncryptionMethods, string, string> Modes => new()
    {
        { ServerSecurityMode.Rdp, NegotiationProtocols.Rdp, EncryptionMethods.None, "rdp", "ENCRYPTION_METHOD_NONE" },
        { ServerSecurityMode.Rdp, NegotiationProtocols.Rdp, EncryptionMethods.Bits40, "rdp", "ENCRYPTION_METHOD_40BIT" },
        { ServerSecurityMode.Rdp, NegotiationProtocols.Rdp, EncryptionMethods.Bits56, "rdp", "ENCRYPTION_METHOD_56BIT" },
        { ServerSecurityMode.Rdp, NegotiationProtocols.Rdp, EncryptionMethods.Bits128, "rdp", "ENCRYPTION_METHOD_128BIT" },
        { ServerSecurityMode.Rdp, NegotiationProtocols.Rdp, EncryptionMethods.Fips, "rdp", "ENCRYPTION_METHOD_FIPS" },
        { ServerSecurityMode.Rdp, NegotiationProtocols.Ssl, EncryptionMethods.Bits128, "rdp", "ENCRYPTION_METHOD_128BIT" },
        { ServerSecurityMode.Tls, NegotiationProtocols.Ssl, EncryptionMethods.Bits128, "tls", "ENCRYPTION_METHOD_NONE" },
        { ServerSecurityMode.Negotiate, NegotiationProtocols.Ssl, EncryptionMethods.Bits128, "tls", "ENCRYPTION_METHOD_NONE" },
        { ServerSecurityMode.Negotiate, NegotiationProtocols.Rdp, EncryptionMethods.Fips, "rdp", "ENCRYPTION_METHOD_FIPS" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void OurClientGetsATemporaryCalThenAPermanentOneInEveryMode(ServerSecurityMode security, NegotiationProtocols requested, EncryptionMethods encryption, string selected, string method)
    {
        var time = new ManualTimeProvider(s_start);
        var pool = new EmulatedLicensePool(1, time, new SequenceRandomSource(0x30));
        var options = new RdpServerOptions { Security = security, Encryption = encryption, Pool = pool, Time = time };
        var store = new MemoryLicenseStore();
        var hardwareId = new ClientHardwareId(0x04010000, Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());

        Session first = Session.Run(options, ServeConnectionPlan.Default, requested, store, hardwareId);

        Assert.Equal(ConnectionStatus.Completed, first.Client.Status);
        Assert.Equal(LicensingOutcome.LicenseIssued, first.Client.Licensing!.Outcome);
        ServeConnectionRecord record = first.Record;
        Assert.Equal(selected, record.Security);
        Assert.Equal(method, record.EncryptionMethod);
        Assert.Equal("completed", record.Outcome);
        Assert.Equal("license-issued", record.Licensing.Outcome);
        Assert.Equal(["NEW_LICENSE_REQUEST", "PLATFORM_CHALLENGE_RESPONSE"], record.Licensing.Received);
        Assert.Equal(TsThinLic.Crypto.HardwareIdFingerprint.Compute(hardwareId.ToArray()), record.Licensing.HardwareIdFingerprint);
        Assert.True(record.Licensing.Issued!.Temporary);
        Assert.Equal("demand-active", record.AfterLicensing);
        Assert.True(record.Logon);
        Assert.Equal("user", record.UserName);
        Assert.Equal("thinclient", record.ClientName);
        Assert.Single(pool.IssuedLicenses);

        // The next connection presents the CAL; the logon validated it and the pool's one seat is free: upgraded.
        store.Save(ExchangeStoreUpdate.For(store.Load(), hardwareId, hardwareIdCreated: true, first.Client.Licensing, s_start, out _)!);
        Session second = Session.Run(options, ServeConnectionPlan.Default, requested, store, hardwareId);

        Assert.Equal(LicensingOutcome.LicenseUpgraded, second.Client.Licensing!.Outcome);
        Assert.Equal("license-upgraded", second.Record.Licensing.Outcome);
        Assert.Equal(["LICENSE_INFO", "PLATFORM_CHALLENGE_RESPONSE"], second.Record.Licensing.Received);
        Assert.All(second.Record.Licensing.Macs, m => Assert.True(m.Verified, m.Message));
        Assert.False(second.Record.Licensing.Issued!.Temporary);
        Assert.Equal(0, pool.FreeCount);
    }

    public static TheoryData<int, LicensingStateTransition> ErrorSteps()
    {
        var data = new TheoryData<int, LicensingStateTransition>();
        foreach (int step in (int[])[0, 1, 2])
        {
            foreach (LicensingStateTransition transition in Enum.GetValues<LicensingStateTransition>())
            {
                if (!(step == 0 && transition == LicensingStateTransition.ResendLastMessage))
                {
                    data.Add(step, transition);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ErrorSteps))]
    public void EveryScriptedErrorAndTransitionKeepsTheClientAndThePoolsBooksInStep(int step, LicensingStateTransition transition)
    {
        var time = new ManualTimeProvider(s_start);
        var pool = new EmulatedLicensePool(5, time, new SequenceRandomSource(0x31));
        var options = new RdpServerOptions { Security = ServerSecurityMode.Rdp, Encryption = EncryptionMethods.Bits128, Pool = pool, Time = time };
        var plan = new ServeConnectionPlan { Entry = 1, ErrorStep = step, ErrorCode = LicensingErrorCode.NoLicenseServer, ErrorTransition = transition };
        var hardwareId = new ClientHardwareId(0x04010000, new byte[16]);

        Session session = Session.Run(options, plan, NegotiationProtocols.Rdp, new MemoryLicenseStore(), hardwareId);

        ServeConnectionRecord.LicensingRecord licensing = session.Record.Licensing;
        Assert.Equal(1, session.Record.ScriptEntry);
        bool issued = session.Client.Licensing?.Outcome == LicensingOutcome.LicenseIssued;
        if (transition == LicensingStateTransition.TotalAbort)
        {
            // [MS-RDPELE 3.1.5.2]: the exchange is over, nothing issued, nothing counted.
            Assert.Equal(ConnectionStatus.Failed, session.Client.Status);
            Assert.Equal("refused", licensing.Outcome);
            Assert.Equal((LicensingErrorCode.NoLicenseServer, LicensingStateTransition.TotalAbort), licensing.Alert);
            Assert.Empty(pool.IssuedLicenses);
            Assert.Null(session.Record.AfterLicensing);
        }
        else if (transition == LicensingStateTransition.ResetPhaseToStart)
        {
            // A new LICENSE_REQUEST: the client starts over and gets its CAL.
            Assert.True(issued, session.Client.Failure?.Message);
            Assert.Equal("license-issued", licensing.Outcome);
            Assert.Single(pool.IssuedLicenses);
        }
        else if (transition == LicensingStateTransition.ResendLastMessage)
        {
            // The client sends its last message again and the exchange goes on from there.
            Assert.True(issued, session.Client.Failure?.Message);
            Assert.Equal("license-issued", licensing.Outcome);
            Assert.Single(pool.IssuedLicenses);
        }
        else
        {
            // ST_NO_TRANSITION with an error code, then the PDU that was due: whatever the client makes of it, the
            // server's record and books say exactly what it got.
            Assert.Equal(issued ? 1 : 0, pool.IssuedLicenses.Count);
            Assert.Equal(issued, licensing.Outcome == "license-issued");
            Assert.Equal(issued, session.Record.AfterLicensing == "demand-active");
        }
    }

    [Fact]
    public void SetErrorInfoGoesOutAfterLicensingInsteadOfDemandActive()
    {
        var time = new ManualTimeProvider(s_start);
        var options = new RdpServerOptions { Security = ServerSecurityMode.Rdp, Encryption = EncryptionMethods.None, Pool = new EmulatedLicensePool(1, time, new SequenceRandomSource(0x32)), Time = time };
        var plan = new ServeConnectionPlan { ErrorInfo = 0x109, Logon = false };

        Session session = Session.Run(options, plan, NegotiationProtocols.Rdp, new MemoryLicenseStore(), new ClientHardwareId(0x04010000, new byte[16]));

        Assert.Equal("set-error-info", session.Record.AfterLicensing);
        Assert.Equal(0x109u, session.Record.ErrorInfo);
        Assert.False(session.Record.Logon);
        Assert.False(options.Pool.HasLoggedOn(new ClientHardwareId(0x04010000, new byte[16])));
        // The PDU itself (no encryption: no security header in front of it), as the server wrote it after licensing.
        Assert.Contains(session.ServerPlaintext, pdu => SetErrorInfoPdu.TryDecode(pdu, out uint info, out _) && info == 0x109);
        // Our client (the probe) reads it as the server's verdict ([MS-RDPBCGR 2.2.5.1]).
        Assert.Equal(ServerVerdictKind.SetErrorInfo, session.Client.Verdict?.Kind);
        Assert.Equal(0x109u, session.Client.Verdict?.ErrorInfo);
    }

    [Fact]
    public void AConnectionThatIsNotALogonDoesNotLetThePoolUpgrade()
    {
        var time = new ManualTimeProvider(s_start);
        var pool = new EmulatedLicensePool(1, time, new SequenceRandomSource(0x33));
        var options = new RdpServerOptions { Security = ServerSecurityMode.Rdp, Encryption = EncryptionMethods.None, Pool = pool, Time = time };
        var store = new MemoryLicenseStore();
        var hardwareId = new ClientHardwareId(0x04010000, new byte[16]);

        Session first = Session.Run(options, new ServeConnectionPlan { Logon = false }, NegotiationProtocols.Rdp, store, hardwareId);
        store.Save(ExchangeStoreUpdate.For(store.Load(), hardwareId, hardwareIdCreated: true, first.Client.Licensing!, s_start, out _)!);
        Session second = Session.Run(options, ServeConnectionPlan.Default, NegotiationProtocols.Rdp, store, hardwareId);

        Assert.False(first.Record.Logon);
        // [MS-RDPELE 3.2.5.5] case 4: no upgrade yet, the still-valid temporary CAL handed back.
        Assert.Equal("license-returned", second.Record.Licensing.Outcome);
        Assert.True(second.Record.Licensing.Issued!.Returned);
        Assert.Equal(1, pool.FreeCount);
    }

    [Fact]
    public void ATlsOnlyServerRefusesAStandardSecurityClientWithSslRequired()
    {
        var time = new ManualTimeProvider(s_start);
        var options = new RdpServerOptions { Security = ServerSecurityMode.Tls, Pool = new EmulatedLicensePool(1, time, new SequenceRandomSource(0x34)), Time = time };

        Session session = Session.Run(options, ServeConnectionPlan.Default, NegotiationProtocols.Rdp, new MemoryLicenseStore(), new ClientHardwareId(0x04010000, new byte[16]));

        Assert.Equal(ConnectionStatus.Failed, session.Client.Status);
        Assert.Equal(NegotiationFailureCode.SslRequiredByServer, session.Client.Failure!.NegotiationFailure);
        Assert.Equal("SSL_REQUIRED_BY_SERVER", session.Record.Security);
        Assert.Equal(nameof(ServeFailureReason.NegotiationRefused), session.Record.Failure!.Value.Reason);
    }

    [Fact]
    public void AClientThatDoesNotOfferTheServersMethodIsRefused()
    {
        var time = new ManualTimeProvider(s_start);
        var options = new RdpServerOptions { Security = ServerSecurityMode.Rdp, Encryption = EncryptionMethods.Fips, Pool = new EmulatedLicensePool(1, time, new SequenceRandomSource(0x35)), Time = time };

        Session session = Session.Run(options, ServeConnectionPlan.Default, NegotiationProtocols.Rdp, new MemoryLicenseStore(), new ClientHardwareId(0x04010000, new byte[16]), EncryptionMethods.Bits128);

        Assert.Equal(nameof(ServeFailureReason.EncryptionNotOffered), session.Record.Failure!.Value.Reason);
        Assert.Contains("ENCRYPTION_METHOD_FIPS", session.Record.Failure!.Value.Detail, StringComparison.Ordinal);
    }

    /// <summary>One connection played in memory between our client's sequence and the server's.</summary>
    private sealed class Session
    {
        private Session(ConnectionStepResult client, ServeConnectionRecord record, List<byte[]> serverPlaintext)
        {
            Client = client;
            Record = record;
            ServerPlaintext = serverPlaintext;
        }

        public ConnectionStepResult Client { get; }

        public ServeConnectionRecord Record { get; }

        /// <summary>The userData of every Send Data Indication the server sent (encrypted ones as they are).</summary>
        public List<byte[]> ServerPlaintext { get; }

        public static Session Run(RdpServerOptions options, ServeConnectionPlan plan, NegotiationProtocols requested, ILicenseStore store, ClientHardwareId hardwareId, EncryptionMethods offered = ClientSecurityData.AllMethods)
        {
            var record = new ServeConnectionRecord();
            var server = new RdpServerConnection(options, plan, new SequenceRandomSource(0x50), record);
            var client = new RdpConnectionSequence(
                new RdpConnectionOptions { RequestedProtocols = requested, UserName = "user", ClientName = "thinclient", EncryptionMethods = offered },
                new ClientIdentity(hardwareId, "user", "thinclient"),
                store.Load(),
                new SequenceRandomSource(0x60));
            var toServer = new ArrayBufferWriter<byte>();
            var toClient = new ArrayBufferWriter<byte>();
            ConnectionStepResult step = client.Start(toServer);
            TlsClientSession? clientTls = null;
            TlsServerSession? serverTls = null;
            var plaintext = new List<byte[]>();
            for (int round = 0; round < 200; round++)
            {
                foreach (byte[] frame in Frames(Through(toServer, clientTls, serverTls, toServerSide: true)))
                {
                    if (server.IsEnded)
                    {
                        break;
                    }

                    ServeStatus status = server.Step(frame, toClient);
                    if (status == ServeStatus.StartTls)
                    {
                        // The Connection Confirm goes out in the clear, then both TLS sessions shake hands in memory.
                        foreach (byte[] reply in Frames(toClient.WrittenSpan.ToArray()))
                        {
                            step = client.Step(reply, toServer);
                        }

                        toClient.ResetWrittenCount();
                        Assert.Equal(ConnectionStatus.StartTls, step.Status);
                        clientTls = new TlsClientSession(new SequenceRandomSource(0x70));
                        serverTls = new TlsServerSession(ServeTlsCredentials.Default, new SequenceRandomSource(0x71));
                        Assert.True(clientTls.Start());
                        TsThinLic.Tests.Crypto.Tls.TlsServerSessionTests.Pump(clientTls, serverTls);
                        Assert.True(serverTls.IsHandshakeComplete, serverTls.Failure);
                        server.TlsEstablished(serverTls.CipherSuite);
                        step = client.TlsEstablished(toServer);
                    }
                }

                byte[] fromServer = Through(toClient, serverTls, clientTls, toServerSide: false);
                if (step.Status is ConnectionStatus.Completed or ConnectionStatus.Failed)
                {
                    plaintext.AddRange(Frames(fromServer));
                    if (server.IsEnded || toServer.WrittenCount == 0)
                    {
                        break;
                    }

                    continue;
                }

                foreach (byte[] frame in Frames(fromServer))
                {
                    // Everything the server sent, as the client read it: the client now reads the verdict after
                    // licensing itself, so the PDU that ends it is kept here too.
                    plaintext.Add(frame);
                    if (step.Status is ConnectionStatus.Completed or ConnectionStatus.Failed)
                    {
                        continue;
                    }

                    step = client.Step(frame, toServer);
                }

                if (server.IsEnded && toServer.WrittenCount == 0)
                {
                    break;
                }
            }

            if (!server.IsEnded)
            {
                server.End(ServeFailureReason.ConnectionClosed, "the client closed", new ArrayBufferWriter<byte>());
            }

            return new Session(step, record, SendData(plaintext));
        }

        // What one side wrote, as the other reads it: through TLS when it is on.
        private static byte[] Through(ArrayBufferWriter<byte> written, object? senderTls, object? receiverTls, bool toServerSide)
        {
            byte[] bytes = written.WrittenSpan.ToArray();
            written.ResetWrittenCount();
            if (bytes.Length == 0 || senderTls is null)
            {
                return bytes;
            }

            if (toServerSide)
            {
                var client = (TlsClientSession)senderTls;
                var server = (TlsServerSession)receiverTls!;
                Assert.True(client.WriteApplicationData(bytes));
                Assert.True(server.OfferInput(client.TakeOutput()), server.Failure);
                return server.TakeApplicationData();
            }

            var from = (TlsServerSession)senderTls;
            var to = (TlsClientSession)receiverTls!;
            Assert.True(from.WriteApplicationData(bytes));
            Assert.True(to.OfferInput(from.TakeOutput()), to.Failure);
            return to.TakeApplicationData();
        }

        private static List<byte[]> Frames(ReadOnlySpan<byte> bytes)
        {
            var frames = new List<byte[]>();
            while (!bytes.IsEmpty && Tpkt.TryReadFrame(bytes, out int length, out _) == DecodeStatus.Complete)
            {
                frames.Add(bytes[..length].ToArray());
                bytes = bytes[length..];
            }

            return frames;
        }

        /// <summary>The userData of the server's Send Data Indications.</summary>
        private static List<byte[]> SendData(List<byte[]> frames)
        {
            var pdus = new List<byte[]>();
            foreach (byte[] frame in frames)
            {
                if (X224Data.TryUnwrap(frame, out ReadOnlySpan<byte> mcs, out _) && McsDomainPdu.TryDecode(mcs.ToArray(), 7, out McsDomainPdu? pdu, out _) && pdu.Type == McsDomainPduType.SendDataIndication)
                {
                    pdus.Add(pdu.Data.ToArray());
                }
            }

            return pdus;
        }
    }
}
