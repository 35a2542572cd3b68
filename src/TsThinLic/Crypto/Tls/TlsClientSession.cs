using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

using TsThinLic.Licensing;

namespace TsThinLic.Crypto.Tls;

/// <summary>
/// [MS-RDPBCGR 5.4.5.1] The TLS client of Enhanced RDP Security, sans-I/O over BouncyCastle's non-blocking
/// <see cref="TlsClientProtocol"/>: the caller moves bytes between the socket and <see cref="OfferInput"/> /
/// <see cref="TakeOutput"/>. Pure managed, so it runs on a device without OpenSSL. The server certificate is
/// recorded, not trusted or refused: the probe reports it; RDP clients decide trust outside the TLS layer.
/// </summary>
public sealed class TlsClientSession
{
    private readonly TlsClientProtocol _protocol = new();
    private readonly ProbeTlsClient _client;
    private string? _failure;

    /// <param name="random">
    /// Where the TLS handshake's randomness comes from. Never BouncyCastle's default generator: that reads .NET's
    /// RandomNumberGenerator, which loads OpenSSL on Linux.
    /// </param>
    public TlsClientSession(IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _client = new ProbeTlsClient(new BcTlsCrypto(new SecureRandom(new RandomSourceGenerator(random))));
    }

    /// <summary>Whether the handshake has finished.</summary>
    public bool IsHandshakeComplete => _client.HandshakeComplete;

    /// <summary>Why the session failed, when it did.</summary>
    public string? Failure => _failure;

    /// <summary>The server's certificate chain (DER), leaf first, once received.</summary>
    public IReadOnlyList<byte[]> ServerCertificates => _client.ServerCertificates;

    /// <summary>The negotiated protocol version ("TLSv1.2", "TLSv1.3"), once known.</summary>
    public string? ProtocolVersion => _client.Version;

    /// <summary>The negotiated cipher suite number, once known.</summary>
    public int? CipherSuite => _client.SelectedCipherSuite;

    /// <summary>Starts the handshake: the ClientHello is then in <see cref="TakeOutput"/>.</summary>
    public bool Start()
    {
        try
        {
            WithoutDefaultRandom(() => _protocol.Connect(_client));
            return true;
        }
        catch (Exception exception) when (exception is TlsException or IOException or InvalidOperationException)
        {
            _failure = $"TLS could not start: {exception.Message}";
            return false;
        }
    }

    /// <summary>Hands the session bytes received from the server. False when the handshake or record layer failed (see <see cref="Failure"/>).</summary>
    public bool OfferInput(ReadOnlySpan<byte> received)
    {
        if (_failure is not null)
        {
            return false;
        }

        try
        {
            byte[] copy = received.ToArray();
            WithoutDefaultRandom(() => _protocol.OfferInput(copy, 0, copy.Length));
            return true;
        }
        catch (Exception exception) when (exception is TlsException or IOException or InvalidOperationException or ArgumentException)
        {
            _failure = exception is TlsFatalAlert alert ? $"TLS alert {AlertDescription.GetText(alert.AlertDescription)}" : $"TLS failed: {exception.Message}";
            return false;
        }
    }

    // BouncyCastle checks that an RSA modulus is not prime with Miller-Rabin rounds drawn from its default generator,
    // whose first use seeds from .NET's RandomNumberGenerator: on Linux that loads OpenSSL (and aborts the process on
    // a device without it). The server's TLS key is not trusted for anything but this handshake, so the rounds are
    // turned off for the handshake's own thread; every other validation (odd, no small factors, size) stays.
    private static void WithoutDefaultRandom(Action action)
        => Org.BouncyCastle.Utilities.Properties.WithThreadProperty(Org.BouncyCastle.Utilities.Properties.RsaMaxMRTests, "0", action);

    /// <summary>Bytes the session wants sent to the server (handshake records, encrypted application data).</summary>
    public byte[] TakeOutput()
    {
        int available = _protocol.GetAvailableOutputBytes();
        if (available == 0)
        {
            return [];
        }

        byte[] output = new byte[available];
        _protocol.ReadOutput(output, 0, available);
        return output;
    }

    /// <summary>Decrypted application data received so far.</summary>
    public byte[] TakeApplicationData()
    {
        int available = _protocol.GetAvailableInputBytes();
        if (available == 0)
        {
            return [];
        }

        byte[] data = new byte[available];
        _protocol.ReadInput(data, 0, available);
        return data;
    }

    /// <summary>Encrypts application data; the records are then in <see cref="TakeOutput"/>.</summary>
    public bool WriteApplicationData(ReadOnlySpan<byte> data)
    {
        try
        {
            byte[] copy = data.ToArray();
            _protocol.WriteApplicationData(copy, 0, copy.Length);
            return true;
        }
        catch (Exception exception) when (exception is TlsException or IOException or InvalidOperationException)
        {
            _failure = $"TLS failed: {exception.Message}";
            return false;
        }
    }

    /// <summary>Sends close_notify (into <see cref="TakeOutput"/>).</summary>
    public void Close()
    {
        try
        {
            _protocol.Close();
        }
        catch (Exception exception) when (exception is TlsException or IOException or InvalidOperationException)
        {
            _failure ??= $"TLS close failed: {exception.Message}";
        }
    }

    private sealed class ProbeTlsClient(BcTlsCrypto crypto) : DefaultTlsClient(crypto)
    {
        public bool HandshakeComplete { get; private set; }

        public List<byte[]> ServerCertificates { get; } = [];

        public string? Version { get; private set; }

        public int? SelectedCipherSuite { get; private set; }

        public override TlsAuthentication GetAuthentication() => new RecordingAuthentication(this);

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            HandshakeComplete = true;
            Version = m_context.ServerVersion?.Name;
            SelectedCipherSuite = m_context.SecurityParameters?.CipherSuite;
        }

        private sealed class RecordingAuthentication(ProbeTlsClient owner) : TlsAuthentication
        {
            public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
            {
                Certificate chain = serverCertificate.Certificate;
                for (int i = 0; i < chain.Length; i++)
                {
                    owner.ServerCertificates.Add(chain.GetCertificateAt(i).GetEncoded());
                }
            }

            public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest) => null;
        }
    }
}
