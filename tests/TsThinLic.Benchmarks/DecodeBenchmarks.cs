using BenchmarkDotNet.Attributes;
using TsThinLic.Pdu;

namespace TsThinLic.Benchmarks;

/// <summary>Decoding each licensing message from its vector, with allocations.</summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private byte[] _pdu = [];

    [Params(
        "spec_4_1_server_license_request",
        "ironrdp_client_new_license_request",
        "spec_4_3_client_license_info",
        "spec_4_4_server_platform_challenge",
        "spec_4_5_client_platform_challenge_response",
        "spec_4_6_server_new_license",
        "xrdp_0_9_server_license_request",
        "ironrdp_valid_client")]
    public string Vector { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _pdu = Vectors.Hex(Vector);

    [Benchmark]
    public LicensingMessageType Decode()
    {
        LicensingPduDecoder.TryDecode(_pdu, out LicensingPdu? pdu, out _);
        return pdu!.MessageType;
    }
}
