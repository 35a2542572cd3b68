using TsThinLic.Rdp.Tls;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// Our TLS 1.2 client (<see cref="TlsClientSession"/>, the probe's) fed a server's flights: the record layer (plaintext,
/// then AES-GCM or AES-CBC + HMAC), ServerHello and its extensions, Certificate, ServerKeyExchange (ECDHE on x25519 or
/// P-256, its signature), CertificateRequest, ServerHelloDone, ChangeCipherSpec, Finished, alerts and application data.
/// </summary>
/// <remarks>
/// <para>The client's randoms are <see cref="FuzzRandomSource"/>'s patterns, so a server flight recorded against them
/// (the seeds: BouncyCastle's TLS server, <see cref="TlsSeedServer"/>) completes the handshake, and mutations of the
/// encrypted part reach the record decryption. The input is offered in two pieces (split at a third) so that records
/// split across reads are part of every run.</para>
/// <para>Invariants: nothing throws; a failure says why, and is never an exception the session caught from its own
/// parsing (an index, argument, null or overflow error turned into internal_error); a failed session never reports a
/// completed handshake; the session allocates at most four times the input plus 16 MiB (record buffers up to
/// 18 KiB, handshake messages up to 64 KiB, the certificates, and the P-256 arithmetic of <c>P256</c>, which allocates
/// about 7.5 MB of short-lived big integers per ECDHE handshake on that curve).</para>
/// </remarks>
public sealed class TlsClientTarget : FuzzTarget
{
    private const int FixedAllowance = 16 * 1024 * 1024;

    private static readonly string[] s_parsingBugs =
    [
        nameof(IndexOutOfRangeException), nameof(ArgumentOutOfRangeException), nameof(ArgumentException), nameof(NullReferenceException),
        nameof(OverflowException), nameof(InvalidCastException), nameof(DivideByZeroException), nameof(KeyNotFoundException), nameof(InvalidOperationException),
    ];

    public override string Name => "tls-client";

    public override string Covers => "TlsClientSession.OfferInput (records, handshake messages, key exchange, Finished, alerts, application data)";

    public override int MaxInputLength => 64 * 1024;

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources) => TlsSeedServer.RecordAll();

    protected override void Run(ReadOnlySpan<byte> input)
    {
        var client = new TlsClientSession(new FuzzRandomSource());
        Check(client.Start(), $"the client did not start: {client.Failure}");
        _ = client.TakeOutput();

        long mark = AllocationMark();
        int split = input.Length / 3;
        bool alive = client.OfferInput(input[..split]) && client.OfferInput(input[split..]);
        CheckAllocated(mark, (4L * input.Length) + FixedAllowance, "TlsClientSession.OfferInput", input.Length);
        _ = client.TakeOutput();

        if (client.Failure is { } failure)
        {
            foreach (string name in s_parsingBugs)
            {
                Check(!failure.Contains(name + ":", StringComparison.Ordinal), $"the session caught a bug of its own: {failure}");
            }
        }

        if (!alive)
        {
            Check(client.Failure is not null, "a failed session that does not say why");
            return;
        }

        if (client.IsHandshakeComplete)
        {
            _ = client.TakeApplicationData();
            client.WriteApplicationData("fuzz"u8);
            client.Close();
            _ = client.TakeOutput();
        }
    }
}
