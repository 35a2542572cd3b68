using TsThinLic.Replay.Decryption;
using Xunit;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// The TLS 1.3 key schedule against RFC 8448 section 3 (Simple 1-RTT Handshake, TLS_AES_128_GCM_SHA256): the values
/// the RFC prints for the handshake traffic secrets, the record keys and IVs they give, the Finished keys and the client's Finished.
/// </summary>
public sealed class Tls13KeyScheduleTests
{
    private static readonly Tls13CipherSuite s_suite = Tls13CipherSuite.Find(0x1301)!;

    [Fact]
    public void ServerHandshakeKeyAndIvMatchRfc8448()
    {
        // RFC 8448 3: "derive write traffic keys for handshake data", PRK = server_handshake_traffic_secret.
        byte[] secret = Convert.FromHexString("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");

        Assert.Equal("3fce516009c21727d0f2e4e86ee403bc", Convert.ToHexStringLower(Tls13KeySchedule.ExpandLabel(false, secret, "key", [], 16)));
        Assert.Equal("5d313eb2671276ee13000b30", Convert.ToHexStringLower(Tls13KeySchedule.ExpandLabel(false, secret, "iv", [], 12)));
    }

    [Fact]
    public void ClientHandshakeKeyAndIvMatchRfc8448()
    {
        // RFC 8448 3: "derive write traffic keys for handshake data", PRK = client_handshake_traffic_secret.
        byte[] secret = Convert.FromHexString("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");

        Assert.Equal("dbfaa693d1762c5b666af5d950258d01", Convert.ToHexStringLower(Tls13KeySchedule.ExpandLabel(false, secret, "key", [], 16)));
        Assert.Equal("5bd3c71b836e0b76bb73265f", Convert.ToHexStringLower(Tls13KeySchedule.ExpandLabel(false, secret, "iv", [], 12)));
    }

    [Fact]
    public void FinishedKeysAndTheClientFinishedMatchRfc8448()
    {
        // RFC 8448 3: finished_key = HKDF-Expand-Label(BaseKey, "finished", "", 32) for both sides; the client's
        // verify_data covers ClientHello … server Finished, whose transcript hash the RFC prints (it also derives
        // the application traffic secrets).
        byte[] server = Convert.FromHexString("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        byte[] client = Convert.FromHexString("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
        byte[] transcriptHash = Convert.FromHexString("9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13");

        Assert.Equal("008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8", Convert.ToHexStringLower(Tls13KeySchedule.ExpandLabel(false, server, "finished", [], 32)));
        Assert.Equal("b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4", Convert.ToHexStringLower(Tls13KeySchedule.ExpandLabel(false, client, "finished", [], 32)));
        Assert.Equal("a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61", Convert.ToHexStringLower(Tls13KeySchedule.FinishedVerifyData(s_suite, client, transcriptHash)));
    }

    [Fact]
    public void ARecordRoundTripsUnderTheRfc8448ServerKeys()
    {
        // The record layer over the same keys: what one side seals the other opens, and a changed header does not.
        byte[] secret = Convert.FromHexString("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        byte[] fragment = Tls13KeySchedule.CreateCipher(s_suite, secret).Encrypt(3, TsThinLic.Rdp.Tls.TlsContentType.Handshake, [0x14, 0x00, 0x00, 0x00]);

        Assert.True(Tls13KeySchedule.CreateCipher(s_suite, secret).TryDecrypt(3, 23, 0x0303, fragment, out byte[] inner));
        Assert.Equal(new byte[] { 0x14, 0x00, 0x00, 0x00, 22 }, inner);
        Assert.False(Tls13KeySchedule.CreateCipher(s_suite, secret).TryDecrypt(3, 23, 0x0301, fragment, out _));
        Assert.False(Tls13KeySchedule.CreateCipher(s_suite, secret).TryDecrypt(4, 23, 0x0303, fragment, out _));
    }

    [Fact]
    public void KeyUpdateDerivesTheNextGenerationFromTheLabelTrafficUpd()
    {
        // RFC 8446 7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length).
        byte[] secret = Convert.FromHexString("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5");

        Assert.Equal(Tls13KeySchedule.ExpandLabel(false, secret, "traffic upd", [], 32), Tls13KeySchedule.NextTrafficSecret(s_suite, secret));
        Assert.NotEqual(secret, Tls13KeySchedule.NextTrafficSecret(s_suite, secret));
    }
}
