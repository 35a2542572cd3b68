using System.Buffers;
using System.Text.Json;
using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Emulator;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.Serving;

/// <summary>
/// The license server against rdesktop's real licensing PDUs: its zero premaster (a LICENSE_INFO rdesktop sent to a
/// redemption front, from the shared Windows recordings) and its bare challenge echo (rdesktop 1.9 against serve, from
/// the committed capture, replayed server-side with the capture's own server random and challenge). Tolerated and
/// noted by default, refused with ERR_INVALID_CLIENT by a strict server; the HWID recognised as rdesktop's.
/// </summary>
public sealed class ClientQuirkTests
{
    /// <summary>The redemption front's LICENSE_REQUEST ServerRandom in those recordings.</summary>
    private const string RedemptionServerRandom = "7b3c31a6aee874f6b4a50390e7c2c739ba531c30546e9005d005ce4418918381";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RdesktopsLicenseInfoWithAZeroPremasterVerifiesAndNamesItsHost(bool strict)
    {
        byte[] licenseInfo = RdesktopLicenseInfo();
        var server = new EmulatedLicenseServer(new SequenceRandomSource(0x40, Convert.FromHexString(RedemptionServerRandom)), options: new EmulatedLicenseServerOptions { Strict = strict });
        var output = new ArrayBufferWriter<byte>();
        server.Start(output);
        output.ResetWrittenCount();

        server.Receive(licenseInfo, output);

        Assert.Equal(["zero-premaster"], server.Quirks);
        Assert.Equal([(LicensingMessageType.LicenseInfo, true)], server.MacChecks);
        ClientHardwareId hardwareId = Assert.IsType<ClientHardwareId>(server.ClientHardwareId);
        Assert.Equal("rdesktop:rzh", HardwareIdRecipes.Identify(hardwareId, []));
        Assert.Equal(HardwareIdRecipes.Rdesktop("rzh"), hardwareId);
        Assert.True(LicensingPduDecoder.TryDecode(output.WrittenSpan, out LicensingPdu? answer, out DecodeError error), error.ToString());
        if (strict)
        {
            var alert = Assert.IsType<LicenseErrorAlert>(answer);
            Assert.Equal((LicensingErrorCode.InvalidClient, LicensingStateTransition.TotalAbort), (alert.ErrorCode, alert.StateTransition));
            Assert.True(server.RefusedForQuirk);
        }
        else
        {
            // A CAL this server never issued, still decrypted and MAC-checked: answered as any CAL is (valid client).
            Assert.Equal((LicensingErrorCode.ValidClient, LicensingStateTransition.NoTransition), server.LastAlert);
            Assert.False(server.RefusedForQuirk);
        }
    }

    [Fact]
    public void RdesktopsBareChallengeEchoFromTheCaptureIsTakenAndItsHwidIsItsRecipe()
    {
        ServeCaptureStreams capture = ServeCaptureStreams.Load("serve-rdp-128-rdesktop");
        byte[][] server = Licensing(capture.FromServer).ToArray();
        byte[][] client = Licensing(capture.FromClient).ToArray();
        Assert.True(LicensingPduDecoder.TryDecode(server[0], out LicensingPdu? first, out _));
        byte[] serverRandom = Assert.IsType<ServerLicenseRequest>(first).ServerRandom.ToArray();

        // rdesktop's keys: client random and premaster all zeros; they decrypt the challenge serve drew.
        LicensingSessionKeys keys = LicensingSessionKeys.Derive(new byte[48], new byte[32], serverRandom);
        Assert.True(LicensingPduDecoder.TryDecode(server[1], out LicensingPdu? second, out _));
        byte[] encryptedChallenge = Assert.IsType<ServerPlatformChallenge>(second).EncryptedPlatformChallenge.Data.ToArray();
        byte[] challenge = new byte[encryptedChallenge.Length];
        Rc4.Transform(keys.LicensingEncryptionKey.Span, encryptedChallenge, challenge);

        // The same server, replayed: its randoms in the order it draws them.
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 12, 5, 19, 0, 0, TimeSpan.Zero));
        var pool = new EmulatedLicensePool(1, time, new SequenceRandomSource(0x41));
        var replayed = new EmulatedLicenseServer(new SequenceRandomSource(0x42, serverRandom, challenge), options: new EmulatedLicenseServerOptions { LicensePool = pool, Time = time, CertificateKind = EmulatedCertificateKind.Proprietary512 });
        var output = new ArrayBufferWriter<byte>();
        replayed.Start(output);
        Assert.Equal(server[0], output.WrittenSpan.ToArray());
        output.ResetWrittenCount();
        replayed.Receive(client[0], output);
        Assert.Equal(server[1], output.WrittenSpan.ToArray());
        output.ResetWrittenCount();
        replayed.Receive(client[1], output);

        Assert.Equal(["zero-premaster", "challenge-response-layout"], replayed.Quirks);
        Assert.Equal([(LicensingMessageType.PlatformChallengeResponse, true)], replayed.MacChecks);
        Assert.Equal(HardwareIdRecipes.Rdesktop("qaclient"), replayed.ClientHardwareId);
        Assert.Equal(LicensingMessageType.NewLicense, replayed.Issued!.Message);
    }

    [Fact]
    public void FreeRdpsAndRdesktopsStoredFilesMatchTheirRecipes()
    {
        // The files the real clients wrote (fixtures/stores), named and bound by their recipes for "qaclient".
        string stores = Path.Combine(StoreTestKit.RepositoryRoot(), "fixtures", "stores");
        string freerdp = Path.Combine(stores, "freerdp-2.11", "licenses", HardwareIdRecipes.FreeRdpCalFileName("qaclient"));
        string rdesktop = Path.Combine(stores, "rdesktop-1.9", "licenses", HardwareIdRecipes.RdesktopCalFileName("qaclient"));

        Assert.True(ClientAccessLicense.TryDecode(File.ReadAllBytes(freerdp), out ClientAccessLicense? freeRdpCal, out DecodeError error), error.ToString());
        Assert.Equal(HardwareIdRecipes.FreeRdp("qaclient"), freeRdpCal.HardwareId);
        Assert.Equal(0x04010000u, freeRdpCal.HardwareId!.Value.PlatformId);
        Assert.Equal("qaclient", freeRdpCal.IssuedToMachine);
        Assert.True(ClientAccessLicense.TryDecode(File.ReadAllBytes(rdesktop), out ClientAccessLicense? rdesktopCal, out error), error.ToString());
        Assert.Equal(HardwareIdRecipes.Rdesktop("qaclient"), rdesktopCal.HardwareId);
        Assert.Equal("rdesktop:qaclient", HardwareIdRecipes.Identify(rdesktopCal.HardwareId!.Value, []));
        Assert.Equal("freerdp:qaclient", HardwareIdRecipes.Identify(freeRdpCal.HardwareId!.Value, ["other", "qaclient"]));
        Assert.Null(HardwareIdRecipes.Identify(freeRdpCal.HardwareId!.Value, ["qaclient2"]));
    }

    [Fact]
    public void RdesktopNamesAreCutAsRdesktopCutsThem()
    {
        Assert.Equal("averylonghostna", HardwareIdRecipes.RdesktopName("averylonghostname"));
        Assert.Equal("thin", HardwareIdRecipes.RdesktopDefaultName("thin.example.com"));
        Assert.Equal(HardwareIdRecipes.Rdesktop("averylonghostna"), HardwareIdRecipes.Rdesktop("averylonghostname"));
        Assert.Equal(HardwareIdRecipes.RdesktopCalFileName("averylonghostna"), HardwareIdRecipes.RdesktopCalFileName("averylonghostname"));
    }

    private static byte[] RdesktopLicenseInfo()
    {
        string path = Path.Combine(StoreTestKit.RepositoryRoot(), "..", "shared", "windows-licensing", "mstsc-client.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (JsonElement entry in document.RootElement.EnumerateArray())
        {
            if (entry.GetProperty("client").GetProperty("family").GetString() == "rdesktop")
            {
                foreach (JsonElement pdu in entry.GetProperty("pdus").EnumerateArray())
                {
                    if (pdu.GetProperty("msg_type").GetString() == "LICENSE_INFO")
                    {
                        return Convert.FromHexString(pdu.GetProperty("hex").GetString()!);
                    }
                }
            }
        }

        throw new InvalidOperationException("no rdesktop LICENSE_INFO in mstsc-client.json");
    }

    /// <summary>The licensing PDUs (security header included) of the Send Data PDUs on the I/O channel.</summary>
    private static IEnumerable<byte[]> Licensing(IEnumerable<byte[]> frames)
    {
        foreach (byte[] frame in frames)
        {
            if (frame[0] == Tpkt.Version && X224Data.TryUnwrap(frame, out ReadOnlySpan<byte> mcs, out _)
                && McsDomainPdu.TryDecode(mcs.ToArray(), 7, out McsDomainPdu? pdu, out _)
                && pdu.Type is McsDomainPduType.SendDataRequest or McsDomainPduType.SendDataIndication
                && pdu.Data.Length > 4 && (pdu.Data.Span[0] & (byte)SecurityFlags.LicensePkt) != 0 && (pdu.Data.Span[0] & (byte)SecurityFlags.Encrypt) == 0)
            {
                yield return pdu.Data.ToArray();
            }
        }
    }
}
