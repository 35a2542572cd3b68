using System.Buffers;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Licensing;

/// <summary>The client's output against bytes no one here wrote.</summary>
public sealed class LicensingClientVectorTests
{
    [Fact]
    public void ReproducesIronRdpsNewLicenseRequestFromItsRandoms()
    {
        // IronRDP's client_new_license_request/tests.rs: server leaf key (512-bit, in the 2nd X.509 certificate),
        // client random and premaster secret fixed; textbook RSA has no padding, so the whole PDU is determined.
        const string Vector = "ironrdp_key_derivation_and_rsa";
        var chain = new X509CertificateChain(
            [Vectors.Hex("ironrdp_x509_chain_cert1_der"), Vectors.Hex(Vector, "server_leaf_cert_der")]);
        var request = new ServerLicenseRequest(
            new LicensePreamble(LicensingMessageType.LicenseRequest, LicensePreamble.PreambleVersion3, 0),
            SecurityHeader.LicensePacket,
            Vectors.Hex(Vector, "server_random"),
            new ProductInfo(0x00060000, "Microsoft Corporation", "A02"),
            [1],
            chain,
            ["microsoft.com"]);
        var random = new SequenceRandomSource(Vectors.Hex(Vector, "client_random"), Vectors.Hex(Vector, "premaster_secret"));
        var identity = new ClientIdentity(new ClientHardwareId(0x04010000, new byte[16]), "sample-user", "sample-machine-name");
        // IronRDP does not set EXTENDED_ERROR_MSG_SUPPORTED: its preamble flags are 0x03.
        var client = new LicensingClient(identity, LicenseStoreSnapshot.Empty, random, new LicensingClientOptions { PreambleFlags = 0x03 });
        var output = new ArrayBufferWriter<byte>();

        LicensingStepResult step = client.Step(request, output);

        Assert.Equal(LicensingStatus.AwaitingPdu, step.Status);
        Assert.Equal(LicensingMessageType.NewLicenseRequest, step.Sent);
        Assert.Equal(Convert.ToHexStringLower(Vectors.Hex("ironrdp_client_new_license_request")), Convert.ToHexStringLower(output.WrittenSpan));
    }

    [Fact]
    public void DefaultsToWindowsPreambleFlagsAndTheServersFraming()
    {
        // xrdp 0.9.21's canned LICENSE_REQUEST: preamble version 2, security header with junk flagsHi.
        var client = new LicensingClient(LicensingClientTests.s_identity, LicenseStoreSnapshot.Empty, new SequenceRandomSource(1));
        var output = new ArrayBufferWriter<byte>();

        LicensingStepResult step = client.Step(Vectors.Hex("xrdp_0_9_server_license_request"), output);

        Assert.True(step.Failure is null, step.Failure?.ToString());
        Assert.Equal(LicensingMessageType.NewLicenseRequest, step.Sent);
        Assert.True(LicensingPduDecoder.TryDecode(output.WrittenSpan, out LicensingPdu? sent, out _));
        Assert.Equal(SecurityHeader.LicensePacket, sent!.SecurityHeader);
        Assert.Equal(0x83, sent.Preamble.Flags); // version 3 with EXTENDED_ERROR_MSG_SUPPORTED even to a version-2 server, as mstsc writes it
        var request = (ClientNewLicenseRequest)sent;
        Assert.Equal(64 + 8, request.EncryptedPreMasterSecret.Data.Length); // 512-bit key: modulus length + 8
        Assert.Equal(0x04010000u, request.PlatformId);
        Assert.True(client.CertificateVerification!.IsUsable);
    }

    [Fact]
    public void XrdpsJunkValidClientCompletesTheExchange()
    {
        var client = new LicensingClient(LicensingClientTests.s_identity, LicenseStoreSnapshot.Empty, new SequenceRandomSource(1));
        client.Step(Vectors.Hex("xrdp_0_9_server_license_request"), new ArrayBufferWriter<byte>());

        LicensingStepResult step = client.Step(Vectors.Hex("xrdp_0_9_valid_client"), new ArrayBufferWriter<byte>());

        Assert.Equal(LicensingOutcome.ValidClient, step.Outcome);
    }

    [Fact]
    public void TheSpecsLicenseRequestIsAnsweredWithA2048BitPremaster()
    {
        var client = new LicensingClient(LicensingClientTests.s_identity, LicenseStoreSnapshot.Empty, new SequenceRandomSource(1));
        var output = new ArrayBufferWriter<byte>();

        client.Step(Vectors.Hex("spec_4_1_server_license_request"), output);

        Assert.True(LicensingPduDecoder.TryDecode(output.WrittenSpan, out LicensingPdu? sent, out _));
        Assert.Null(sent!.SecurityHeader);
        Assert.Equal(0x83, sent.Preamble.Flags);
        Assert.Equal(256 + 8, ((ClientNewLicenseRequest)sent).EncryptedPreMasterSecret.Data.Length);
    }
}
