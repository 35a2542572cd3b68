using System.Text.Json;
using TsThinLic.Crypto;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary><c>tsthinlic decode</c> on the vectors, with and without the session keys.</summary>
public sealed class DecodeCommandTests
{
    private static async Task<JsonElement> DecodeJsonAsync(params string[] args)
    {
        var (exitCode, output, error) = await HostRunner.RunAsync(["decode", .. args, "--json"]);
        Assert.True(exitCode == 0, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public async Task ValidClientAlertIsNamedBySpecConstants()
    {
        JsonElement json = await DecodeJsonAsync("--hex", Convert.ToHexString(Vectors.Hex("ironrdp_valid_client")));

        Assert.Equal("ERROR_ALERT", json.GetProperty("messageType").GetString());
        Assert.Equal(3, json.GetProperty("preambleVersion").GetInt32());
        Assert.Equal(16, json.GetProperty("msgSize").GetInt32());
        Assert.Equal("STATUS_VALID_CLIENT", json.GetProperty("errorCode").GetString());
        Assert.Equal("ST_NO_TRANSITION", json.GetProperty("stateTransition").GetString());
    }

    [Fact]
    public async Task SpecLicenseRequestShowsItsOfferAndX509Certificate()
    {
        JsonElement json = await DecodeJsonAsync("--hex", Convert.ToHexString(Vectors.Hex("spec_4_1_server_license_request")));

        Assert.Equal("LICENSE_REQUEST", json.GetProperty("messageType").GetString());
        Assert.Equal(2200, json.GetProperty("msgSize").GetInt32());
        Assert.Equal(Vectors.Text("spec_4_1_server_license_request", "server_random"), json.GetProperty("serverRandom").GetString());
        JsonElement product = json.GetProperty("productInfo");
        Assert.Equal(0x00060000, product.GetProperty("version").GetInt64());
        Assert.Equal("Microsoft Corporation", product.GetProperty("companyName").GetString());
        Assert.Equal("A02", product.GetProperty("productId").GetString());
        Assert.Equal(["microsoft.com"], json.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        JsonElement certificate = json.GetProperty("certificate");
        Assert.Equal("x509", certificate.GetProperty("type").GetString());
        Assert.Equal(2048, certificate.GetProperty("publicKeyBits").GetInt32());
        Assert.True(certificate.GetProperty("signatureValid").GetBoolean());
        Assert.Equal(2, certificate.GetProperty("certificateCount").GetInt32());
    }

    [Fact]
    public async Task XrdpLicenseRequestHasAVerifiedProprietaryCertificate()
    {
        JsonElement json = await DecodeJsonAsync("--hex", Convert.ToHexString(Vectors.Hex("xrdp_0_9_server_license_request")));

        Assert.Equal(2, json.GetProperty("preambleVersion").GetInt32());
        Assert.Equal("236", json.GetProperty("productInfo").GetProperty("productId").GetString());
        JsonElement certificate = json.GetProperty("certificate");
        Assert.Equal("proprietary", certificate.GetProperty("type").GetString());
        Assert.Equal(512, certificate.GetProperty("publicKeyBits").GetInt32());
        Assert.True(certificate.GetProperty("signatureValid").GetBoolean());
    }

    [Fact]
    public async Task NoCertificateIsSaidSo()
    {
        JsonElement json = await DecodeJsonAsync("--hex", Convert.ToHexString(Vectors.Hex("ironrdp_server_license_request_no_cert")));

        Assert.Equal("none", json.GetProperty("certificate").GetProperty("type").GetString());
    }

    [Fact]
    public async Task NewLicenseRequestShowsTheClientsIdentity()
    {
        JsonElement json = await DecodeJsonAsync("--hex", Convert.ToHexString(Vectors.Hex("spec_4_2_client_new_license_request")));

        Assert.Equal("NEW_LICENSE_REQUEST", json.GetProperty("messageType").GetString());
        Assert.Equal("0x04010000", json.GetProperty("platformId").GetString());
        Assert.Equal(Vectors.Text("spec_4_2_client_new_license_request", "client_random"), json.GetProperty("clientRandom").GetString());
        Assert.Equal("Administrator", json.GetProperty("clientUserName").GetString());
        Assert.Equal("RODENT", json.GetProperty("clientMachineName").GetString());
    }

    [Fact]
    public async Task PlatformChallengeWithKeysIsDecryptedAndItsMacChecked()
    {
        const string V = "ironrdp_platform_challenge_decrypt";
        // PLATFORM_CHALLENGE: preamble, ConnectFlags 0, blob (type 0, 10 bytes), MAC.
        string pdu = "02032600" + "00000000" + "00000a00" + Vectors.Text(V, "hex") + Vectors.Text(V, "server_mac");

        JsonElement json = await DecodeJsonAsync("--hex", pdu, "--licensing-key", Vectors.Text(V, "licensing_encryption_key"), "--mac-salt", Vectors.Text(V, "mac_salt_key"));

        Assert.Equal("PLATFORM_CHALLENGE", json.GetProperty("messageType").GetString());
        Assert.Equal("0x00000000", json.GetProperty("connectFlags").GetString());
        Assert.Equal("54004500530054000000", json.GetProperty("challenge").GetString());
        Assert.True(json.GetProperty("macValid").GetBoolean());
    }

    [Fact]
    public async Task TheReal2019NewLicenseDecryptsAndItsMacVerifies()
    {
        const string V = "ironrdp_real_new_license_encrypted";
        byte[] cipher = Vectors.Hex(V);
        int size = 4 + 4 + cipher.Length + 16;
        string pdu = $"0303{size & 0xFF:x2}{size >> 8:x2}" + "0900" + $"{cipher.Length & 0xFF:x2}{cipher.Length >> 8:x2}" + Vectors.Text(V, "hex") + Vectors.Text(V, "mac");

        JsonElement json = await DecodeJsonAsync("--hex", pdu, "--licensing-key", Vectors.Text(V, "licensing_encryption_key"), "--mac-salt", Vectors.Text(V, "mac_salt_key"));

        Assert.Equal("NEW_LICENSE", json.GetProperty("messageType").GetString());
        Assert.True(json.GetProperty("macValid").GetBoolean());
        JsonElement info = json.GetProperty("licenseInfo");
        Assert.Equal(0x000A0001, info.GetProperty("version").GetInt64());
        Assert.Equal("microsoft.com", info.GetProperty("scope").GetString());
        Assert.Equal("Microsoft Corporation", info.GetProperty("companyName").GetString());
        Assert.Equal("A02", info.GetProperty("productId").GetString());
        Assert.True(info.GetProperty("licenseLength").GetInt32() > 4000);
        JsonElement cal = json.GetProperty("cal");
        Assert.Equal("A02-10.01-S", cal.GetProperty("licenseId").GetString());
        Assert.True(cal.GetProperty("temporary").GetBoolean());
        Assert.Equal("ubuntu2", cal.GetProperty("issuedToMachine").GetString());
        Assert.Equal("2020-01-25T13:57:42Z", cal.GetProperty("expiresOn").GetString());
    }

    [Fact]
    public async Task LicenseInfoShowsThePresentedCal()
    {
        JsonElement json = await DecodeJsonAsync("--hex", Convert.ToHexString(Vectors.Hex("spec_4_3_client_license_info")));

        Assert.Equal("LICENSE_INFO", json.GetProperty("messageType").GetString());
        JsonElement cal = json.GetProperty("cal");
        Assert.Equal("A02-6.00-S", cal.GetProperty("licenseId").GetString());
        Assert.Equal("Windows Server 2008 / 2008 R2 Terminal Services CAL", cal.GetProperty("licenseType").GetString());
        Assert.True(cal.GetProperty("temporary").GetBoolean());
        Assert.Equal("RODENT", cal.GetProperty("issuer").GetString());
        Assert.Equal("WORKGROUP", cal.GetProperty("scope").GetString());
        Assert.Equal("Administrator", cal.GetProperty("issuedToUser").GetString());
        Assert.Equal("2007-06-20T14:51:35Z", cal.GetProperty("validFrom").GetString());
        Assert.Equal(Vectors.Text("cal_decode_spec_rodent", "hwid_decoded"), cal.GetProperty("hwid").GetString());
        Assert.Equal("78440-006-5867045-70347", cal.GetProperty("licenseServerId").GetString());
        Assert.Equal(6, cal.GetProperty("productVersion").GetProperty("major").GetInt32());
        Assert.Equal("0x80648000", cal.GetProperty("productVersion").GetProperty("flags").GetString());
    }

    [Fact]
    public async Task WrongKeysSayTheMacDoesNotVerify()
    {
        const string V = "ironrdp_platform_challenge_decrypt";
        string pdu = "02032600" + "00000000" + "00000a00" + Vectors.Text(V, "hex") + Vectors.Text(V, "server_mac");

        JsonElement json = await DecodeJsonAsync("--hex", pdu, "--licensing-key", new string('0', 32), "--mac-salt", Vectors.Text(V, "mac_salt_key"));

        Assert.False(json.GetProperty("macValid").GetBoolean());
    }

    [Fact]
    public async Task ClientPdusOfAnEmulatedExchangeDecryptWithTheDerivedKeys()
    {
        // A recorded exchange whose randoms are known: the keys come from them, as a replay with secrets would.
        var (client, server) = TsThinLic.Tests.Licensing.LicensingClientTests.Pair(TsThinLic.Emulator.EmulatedServerScript.NewLicense);
        var exchange = TsThinLic.Tests.Fakes.SansIoExchange.Run(client, server);
        var random = new TsThinLic.Tests.Fakes.SequenceRandomSource(seed: 1);
        byte[] clientRandom = new byte[32];
        byte[] preMaster = new byte[48];
        random.GetBytes(clientRandom);
        random.GetBytes(preMaster);
        Assert.True(TsThinLic.Pdu.LicensingPduDecoder.TryDecode(exchange.Pdus[0].Bytes, out TsThinLic.Pdu.LicensingPdu? request, out _));
        LicensingSessionKeys keys = LicensingSessionKeys.Derive(preMaster, clientRandom, ((TsThinLic.Pdu.ServerLicenseRequest)request!).ServerRandom.Span);
        string[] keyArgs = ["--licensing-key", Convert.ToHexString(keys.LicensingEncryptionKey.Span), "--mac-salt", Convert.ToHexString(keys.MacSaltKey.Span)];

        JsonElement response = await DecodeJsonAsync(["--hex", Convert.ToHexString(exchange.Pdus[3].Bytes), .. keyArgs]);

        Assert.Equal("PLATFORM_CHALLENGE_RESPONSE", response.GetProperty("messageType").GetString());
        Assert.True(response.GetProperty("macValid").GetBoolean());
        Assert.Equal(Convert.ToHexStringLower(TsThinLic.Tests.Licensing.LicensingClientTests.s_hardwareId.ToArray()), response.GetProperty("hwid").GetString());
        JsonElement data = response.GetProperty("responseData");
        Assert.Equal("0x0100", data.GetProperty("version").GetString());
        Assert.Equal("WIN32_PLATFORMCHALLENGE_TYPE", data.GetProperty("clientType").GetString());
        Assert.Equal("LICENSE_DETAIL_DETAIL", data.GetProperty("detailLevel").GetString());
        Assert.Equal(20, data.GetProperty("challenge").GetString()!.Length);

        JsonElement license = await DecodeJsonAsync(["--hex", Convert.ToHexString(exchange.Pdus[4].Bytes), .. keyArgs]);
        Assert.True(license.GetProperty("macValid").GetBoolean());
        Assert.Equal("A02-6.00-S", license.GetProperty("cal").GetProperty("licenseId").GetString());
        Assert.Equal(Convert.ToHexStringLower(TsThinLic.Tests.Licensing.LicensingClientTests.s_hardwareId.ToArray()), license.GetProperty("cal").GetProperty("hwid").GetString());
    }

    [Theory]
    [InlineData("ff03100007000000020000000400ff00", "wBlobLen")]
    [InlineData("ff0302000700", "wMsgSize")]
    public async Task MalformedInputExitsWithTwoAndNamesTheFieldAndOffset(string hex, string field)
    {
        var (exitCode, output, error) = await HostRunner.RunAsync("decode", "--hex", hex, "--json");

        Assert.Equal(2, exitCode);
        Assert.Contains(field, error, StringComparison.Ordinal);
        Assert.Contains("offset", error, StringComparison.Ordinal);
        JsonElement json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(field, json.GetProperty("field").GetString());
        Assert.True(json.GetProperty("offset").GetInt32() >= 0);
    }

    [Fact]
    public async Task ReadsAFileOfRawBytesOrHexText()
    {
        string raw = Path.GetTempFileName();
        string text = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(raw, Vectors.Hex("spec_4_4_server_platform_challenge"));
            await File.WriteAllTextAsync(text, "02 03 26 00 ff ff ff ff 50 f7 0a 00\n463785548ec59134975d 7894ad3b81da8818560f3ad1f103ef35\n");

            var fromRaw = await HostRunner.RunAsync("decode", raw);
            var fromText = await HostRunner.RunAsync("decode", text);

            Assert.Equal(0, fromRaw.ExitCode);
            Assert.Equal(fromRaw.Output, fromText.Output);
            Assert.Contains("PLATFORM_CHALLENGE", fromRaw.Output, StringComparison.Ordinal);
            Assert.Contains("0xf750", fromRaw.Output, StringComparison.Ordinal); // the junk blob type is shown as it is
        }
        finally
        {
            File.Delete(raw);
            File.Delete(text);
        }
    }

    [Fact]
    public async Task NeedsExactlyOneInput()
    {
        Assert.Equal(2, (await HostRunner.RunAsync("decode")).ExitCode);
        Assert.Equal(2, (await HostRunner.RunAsync("decode", "--hex", "00", "somefile")).ExitCode);
        Assert.Equal(2, (await HostRunner.RunAsync("decode", "--hex", "zz")).ExitCode);
        Assert.Equal(2, (await HostRunner.RunAsync("decode", "--hex", "ff031000070000000200000004000000", "--licensing-key", "00")).ExitCode);
    }
}
