using System.Buffers;
using System.Text.Json;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Connection;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using Xunit;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// The committed recordings of our own probe against xrdp (fixtures/captures/probe, written with
/// <c>--record-secrets</c>): fed the recorded randoms and xrdp's recorded PDUs, the sequence writes every client
/// PDU byte for byte as it did on the wire. xrdp's PDUs are also decoder vectors no one here wrote.
/// </summary>
public sealed class OwnCaptureReplayTests
{
    public static TheoryData<string> Captures() => new(XrdpServers.Modes);

    private static JsonElement Load(string mode)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "captures", "probe", $"probe-xrdp-{mode}.secrets.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void ReplaysByteExact(string mode)
    {
        JsonElement secrets = Load(mode);
        byte[] hwidBytes = Convert.FromHexString(secrets.GetProperty("hwid").GetString()!);
        Assert.True(ClientHardwareId.TryDecode(hwidBytes, out ClientHardwareId hwid, out _));
        byte[][] randoms = secrets.GetProperty("randomBlocks").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToArray();
        string user = secrets.GetProperty("user").GetString()!;
        string machine = secrets.GetProperty("machine").GetString()!;
        var requested = (NegotiationProtocols)Convert.ToUInt32(secrets.GetProperty("requestedProtocols").GetString(), 16);
        var pdus = secrets.GetProperty("pdus").EnumerateArray().Select(e => (Client: e.GetProperty("direction").GetString() == "client", Bytes: Convert.FromHexString(e.GetProperty("hex").GetString()!))).ToList();

        var sequence = new RdpConnectionSequence(
            new RdpConnectionOptions { RequestedProtocols = requested, UserName = user, ClientName = machine },
            new ClientIdentity(hwid, user, machine),
            new MemoryLicenseStore().Load(),
            new SequenceRandomSource(randoms));
        var output = new ArrayBufferWriter<byte>();
        ConnectionStepResult step = sequence.Start(output);
        int index = 0;
        while (true)
        {
            // Every client PDU the recording shows next must be what the sequence just wrote.
            var written = new List<byte[]>();
            ReadOnlySpan<byte> rest = output.WrittenSpan;
            while (!rest.IsEmpty)
            {
                int length = (rest[2] << 8) | rest[3];
                written.Add(rest[..length].ToArray());
                rest = rest[length..];
            }

            output.ResetWrittenCount();
            foreach (byte[] packet in written)
            {
                Assert.True(pdus[index].Client, $"the sequence wrote a packet where the recording has a server PDU (#{index})");
                Assert.Equal(Convert.ToHexStringLower(pdus[index].Bytes), Convert.ToHexStringLower(packet));
                index++;
            }

            if (step.Status == ConnectionStatus.StartTls)
            {
                step = sequence.TlsEstablished(output);
                continue;
            }

            if (step.Status is ConnectionStatus.Completed or ConnectionStatus.Failed)
            {
                break;
            }

            Assert.False(pdus[index].Client, $"the recording has a client PDU the sequence did not write (#{index})");
            step = sequence.Step(pdus[index].Bytes, output);
            index++;
        }

        Assert.Equal(ConnectionStatus.Completed, step.Status);
        Assert.Equal(LicensingOutcome.ValidClient, step.Licensing!.Outcome);
        Assert.Equal(pdus.Count, index);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void XrdpConnectResponseDecodes(string mode)
    {
        JsonElement secrets = Load(mode);
        byte[] response = secrets.GetProperty("pdus").EnumerateArray()
            .Select(e => Convert.FromHexString(e.GetProperty("hex").GetString()!))
            .First(p => p.Length > 9 && p[7] == 0x7F && p[8] == 0x66);
        Assert.True(X224Data.TryUnwrap(response, out ReadOnlySpan<byte> mcs, out _));
        Assert.True(McsConnectResponse.TryDecode(mcs, 7, out McsConnectResponse? connect, out DecodeError error), error.ToString());
        Assert.True(GccConferenceCreateResponse.TryDecode(connect.UserData, 0, out GccConferenceCreateResponse? gcc, out error), error.ToString());
        Assert.Equal(0x00080004u, gcc.Core.Version);
        Assert.Equal(1003, gcc.Network.IoChannelId);
        if (mode is "tls" or "rdp-none")
        {
            Assert.Equal(EncryptionMethods.None, gcc.Security.EncryptionMethod);
        }
        else
        {
            // xrdp's GCC certificate: proprietary, 512-bit key, signed with the Terminal Services signing key.
            var verification = ServerCertificateVerification.Verify(gcc.Security.Certificate);
            Assert.Equal(ServerCertificateType.Proprietary, verification.Type);
            Assert.True(verification.IsUsable, verification.Detail);
            Assert.Equal(32, gcc.Security.ServerRandom.Length);
        }
    }
}
