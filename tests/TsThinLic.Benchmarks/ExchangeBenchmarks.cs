using System.Buffers;
using BenchmarkDotNet.Attributes;
using TsThinLic.Crypto;
using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;

namespace TsThinLic.Benchmarks;

/// <summary>
/// A whole new-license exchange on the client side only: the server's PDUs are recorded once in setup (the emulated
/// server answering a client with fixed randoms), then replayed to a fresh client each iteration. The floor beside
/// it: one RSA public operation with the same 2048-bit key, and one key derivation.
/// </summary>
[MemoryDiagnoser]
public class ExchangeBenchmarks
{
    private const byte ClientSeed = 7;

    private readonly ClientIdentity _identity = new(new ClientHardwareId(0x04010000, new byte[16]), "user", "thinclient");
    private readonly FixedRandomSource _random = new(ClientSeed);
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private List<byte[]> _serverPdus = [];
    private RsaPublicKey _serverKey = null!;
    private ServerCertificate _certificate = null!;
    private readonly byte[] _preMasterSecret = new byte[48];
    private readonly byte[] _encrypted = new byte[256 + 8];
    private readonly byte[] _clientRandom = new byte[32];
    private readonly byte[] _serverRandom = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        var server = new EmulatedLicenseServer(new FixedRandomSource(99), EmulatedServerScript.NewLicense);
        var client = new LicensingClient(_identity, LicenseStoreSnapshot.Empty, new FixedRandomSource(ClientSeed));
        var toClient = new ArrayBufferWriter<byte>();
        server.Start(toClient);
        while (toClient.WrittenCount > 0 && !client.IsFinished)
        {
            byte[] pdu = toClient.WrittenSpan.ToArray();
            toClient.ResetWrittenCount();
            _serverPdus.Add(pdu);
            var reply = new ArrayBufferWriter<byte>();
            client.Step(pdu, reply);
            if (reply.WrittenCount > 0)
            {
                server.Receive(reply.WrittenSpan, toClient);
            }
        }

        if (_serverPdus.Count != 3 || server.Violations.Count > 0)
        {
            throw new InvalidOperationException("The recorded exchange is not a clean new-license exchange.");
        }

        _certificate = server.Certificate;
        _serverKey = ServerCertificateVerification.Verify(_certificate).PublicKey!;
        new FixedRandomSource(1).GetBytes(_preMasterSecret);
    }

    [Benchmark(Baseline = true)]
    public LicensingOutcome? NewLicenseExchangeClientSide()
    {
        _random.Reset(ClientSeed);
        var client = new LicensingClient(_identity, LicenseStoreSnapshot.Empty, _random);
        LicensingStepResult? step = null;
        foreach (byte[] pdu in _serverPdus)
        {
            _output.ResetWrittenCount();
            step = client.Step(pdu, _output);
        }

        return step!.Outcome;
    }

    [Benchmark]
    public bool RsaPublicOperation2048() => _serverKey.TryEncryptPreMasterSecret(_preMasterSecret, _encrypted, out _);

    [Benchmark]
    public int KeyDerivation() => LicensingSessionKeys.Derive(_preMasterSecret, _clientRandom, _serverRandom).LicensingEncryptionKey.Length;

    [Benchmark]
    public bool ServerCertificateCheck() => ServerCertificateVerification.Verify(_certificate).IsUsable;
}
