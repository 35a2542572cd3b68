using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Licensing;

/// <summary>
/// The 34 licensing exchanges wallix/redemption recorded against real Windows 2000-2012 servers and an RDS host
/// (../shared/windows-licensing/windows-licensing.json, read in place, never copied): the server's PDUs go to our
/// <see cref="LicensingClient"/> fed the recording client's secrets (client random and premaster secret all zero, so
/// every key is known). Every server PDU must be accepted, every MAC verified (a PLATFORM_CHALLENGE or NEW_LICENSE
/// whose MAC fails ends the exchange), and the exchange must end as the real one did. The junk these servers put in
/// flagsHi, dwConnectFlags and blob types (the README beside the file lists it) stays tolerated.
/// </summary>
public sealed class WindowsLicensingExchangeTests
{
    private static readonly Lazy<IReadOnlyList<JsonElement>> s_sessions = new(() => SharedData.JsonArray("windows-licensing", "windows-licensing.json"));
    private static readonly Lazy<IReadOnlyList<JsonElement>> s_storedLicenses = new(() => SharedData.JsonArray("windows-licensing", "stored-licenses.json"));

    public static TheoryData<int> Sessions()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < s_sessions.Value.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void TheRecordingsHoldThirtyFourExchanges() => Assert.Equal(34, s_sessions.Value.Count);

    [Theory]
    [MemberData(nameof(Sessions))]
    public void OurClientAcceptsEveryServerPduAndEndsAsTheRealExchangeDid(int index)
    {
        Replayed run = Replay(index);
        JsonElement[] serverPdus = run.Session.GetProperty("pdus").EnumerateArray().Where(p => p.GetProperty("direction").GetString() == "server->client").ToArray();
        string last = serverPdus[^1].GetProperty("msg_type").GetString()!;

        Assert.True(run.Steps.All(s => s.Failure is null), string.Join("; ", run.Steps.Select(s => s.Failure?.ToString())));
        Assert.Equal(serverPdus.Length, run.Steps.Count);
        LicensingStepResult final = run.Steps[^1];
        switch (last)
        {
            case "ERROR_ALERT":
                // STATUS_VALID_CLIENT with ST_NO_TRANSITION, in every one (flags, flagsHi and an empty blob's type may be junk).
                Assert.Equal(LicensingStatus.Completed, final.Status);
                Assert.Equal(LicensingOutcome.ValidClient, final.Outcome);
                break;
            case "NEW_LICENSE":
                // Its MAC verified over the decrypted NEW_LICENSE_INFO, or the client would have failed.
                Assert.Equal(LicensingStatus.Completed, final.Status);
                Assert.Equal(LicensingOutcome.LicenseIssued, final.Outcome);
                break;
            case "PLATFORM_CHALLENGE":
                // One historical recording stops after the challenge: its MAC verified, our response went out.
                Assert.Equal(LicensingStatus.AwaitingPdu, final.Status);
                Assert.Equal(LicensingMessageType.PlatformChallengeResponse, final.Sent);
                break;
            default:
                Assert.Fail($"unexpected last server PDU {last}");
                break;
        }

        // Our client answered each server PDU the real client answered, with the same message type (the recording cut
        // after the challenge holds no response: ours is the one more).
        string[] clientTypes = run.Session.GetProperty("pdus").EnumerateArray()
            .Where(p => p.GetProperty("direction").GetString() == "client->server")
            .Select(p => p.GetProperty("msg_type").GetString()!)
            .ToArray();
        string[] ours = run.Steps.Where(s => s.Sent is not null).Select(s => LicensingSpecNames.MessageType(s.Sent!.Value)).ToArray();
        Assert.Equal(clientTypes, last == "PLATFORM_CHALLENGE" ? ours[..clientTypes.Length] : ours);
    }

    [Fact]
    public void TheRdsHostAcceptsTheStoredCalPresentedInLicenseInfo()
    {
        // test_license_api_wel_2: the RDS host offers A02 version 0x00060002 and the client holds the CLT02 CAL.
        int index = IndexOf("test_license_api_wel_2.hpp");
        Replayed run = Replay(index);

        Assert.Equal(LicensingMessageType.LicenseInfo, run.Steps[0].Sent);
        Assert.Equal(new LicenseKey(0x00060002, "microsoft.com", "Microsoft Corporation", "A02"), run.Client.PresentedLicense);
        Assert.Equal(LicensingOutcome.ValidClient, run.Steps[^1].Outcome);
    }

    [Fact]
    public void TheFourRealNewLicenseCalsArePermanentA02()
    {
        var issued = new List<NewLicenseInfo>();
        for (int i = 0; i < s_sessions.Value.Count; i++)
        {
            if (Replay(i).Steps[^1].License is { } license)
            {
                issued.Add(license);
            }
        }

        Assert.Equal(4, issued.Count);
        string[] known = s_storedLicenses.Value.Select(l => l.GetProperty("pbLicenseInfo_sha256").GetString()!).ToArray();
        foreach (NewLicenseInfo license in issued)
        {
            Assert.Equal(0x00060002u, license.Version);
            Assert.Equal("microsoft.com", license.Scope);
            Assert.Equal("Microsoft Corporation", license.CompanyName);
            Assert.Equal("A02", license.ProductId);
            Assert.True(ClientAccessLicense.TryDecode(license.LicenseInfo.Span, out ClientAccessLicense? cal, out DecodeError error), error.ToString());
            Assert.Equal("A02-6.02-S", cal.LicenseId);
            Assert.False(cal.IsTemporary);
            // The decrypted bytes are the ones the shared data lists (recorded on disk or decrypted there).
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(license.LicenseInfo.Span)), known);
        }
    }

    private sealed record Replayed(JsonElement Session, LicensingClient Client, List<LicensingStepResult> Steps);

    private static Replayed Replay(int index)
    {
        JsonElement session = s_sessions.Value[index];
        byte[] clientRandom = HexOr(session, "licensing_client_random", 32);
        byte[] preMasterSecret = HexOr(session, "premaster", 48);

        ServerCertificate? gccCertificate = null;
        if (session.GetProperty("gcc_server_certificate_hex").GetString() is { Length: > 0 } gccHex)
        {
            Assert.True(ServerCertificate.TryDecode(Convert.FromHexString(gccHex), out gccCertificate, out DecodeError error), error.ToString());
        }

        string user = session.GetProperty("client_user").GetString() ?? "user";
        string machine = session.GetProperty("client_machine").GetString() ?? "machine";
        var identity = new ClientIdentity(new ClientHardwareId(0x02010000, new byte[16]), user, machine);
        var client = new LicensingClient(identity, Store(session), new SequenceRandomSource(clientRandom, preMasterSecret), new LicensingClientOptions { GccServerCertificate = gccCertificate });
        var steps = new List<LicensingStepResult>();
        foreach (JsonElement pdu in session.GetProperty("pdus").EnumerateArray())
        {
            if (pdu.GetProperty("direction").GetString() != "server->client")
            {
                continue;
            }

            byte[] bytes = Convert.FromHexString(pdu.GetProperty("security_header_hex").GetString() + pdu.GetProperty("hex").GetString());
            steps.Add(client.Step(bytes, new ArrayBufferWriter<byte>()));
        }

        return new Replayed(session, client, steps);
    }

    // The client of test_license_api_wel_2 held the CLT02 CAL (stored-licenses.json: the stored file); the others held none.
    private static LicenseStoreSnapshot Store(JsonElement session)
    {
        if (!session.GetProperty("pdus").EnumerateArray().Any(p => p.GetProperty("msg_type").GetString() == "LICENSE_INFO"))
        {
            return LicenseStoreSnapshot.Empty;
        }

        JsonElement stored = s_storedLicenses.Value.Single(l => l.GetProperty("source_path").GetString()!.EndsWith("test_license_api_license.hpp", StringComparison.Ordinal));
        var license = new StoredLicense(new LicenseKey(0x00060002, "microsoft.com", "Microsoft Corporation", "A02"), Convert.FromHexString(stored.GetProperty("hex").GetString()!), DateTimeOffset.UnixEpoch);
        return new LicenseStoreSnapshot(new ClientHardwareId(0x02010000, new byte[16]), [license]);
    }

    private static byte[] HexOr(JsonElement session, string field, int length)
        => session.TryGetProperty(field, out JsonElement value) && value.GetString() is { } hex ? Convert.FromHexString(hex) : new byte[length];

    private static int IndexOf(string fixture)
    {
        for (int i = 0; i < s_sessions.Value.Count; i++)
        {
            if (s_sessions.Value[i].GetProperty("source_path").GetString()!.EndsWith(fixture, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new KeyNotFoundException(fixture);
    }
}
