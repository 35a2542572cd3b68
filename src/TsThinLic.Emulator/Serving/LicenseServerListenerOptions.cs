using System.Net;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Emulator.Serving;

/// <summary>Where `serve` listens and the bounds every connection lives within.</summary>
public sealed class LicenseServerListenerOptions
{
    /// <summary>The default port: RDP's.</summary>
    public const int DefaultPort = 3389;

    /// <summary>Where to listen: loopback unless an address is given.</summary>
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>The most connections served at once; more wait in the listen backlog until one ends.</summary>
    public int MaxConnections { get; init; } = 128;

    /// <summary>The listen backlog (connections the kernel holds while all slots are busy).</summary>
    public int Backlog { get; init; } = 512;

    /// <summary>The longest a connection may last from accept to close, whatever the client does.</summary>
    public TimeSpan ConnectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest the server waits for the client's next bytes.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after Demand Active the server waits for Confirm Active before it disconnects.</summary>
    public TimeSpan ConfirmActiveWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the server reads (and drops) what the client still sends after the server's last PDU, so the client reads it all before the close.</summary>
    public TimeSpan CloseLinger { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The largest client frame accepted before it arrives (from its TPKT or fast-path header): no client PDU of the
    /// sequence up to the capabilities exchange comes near it (a LICENSE_INFO with its CAL is a few KiB).
    /// </summary>
    public int MaxFrameLength { get; init; } = 32 * 1024;

    /// <summary>The TLS certificate and key (the emulator's fixed self-signed one by default).</summary>
    public TlsServerCredentials? TlsCredentials { get; init; }

    /// <summary>
    /// Where each connection's licensing secrets go (<c>connection-N.secrets.json</c>, the probe-secrets format without a
    /// HWID), so a capture of it replays; needs <see cref="RdpServerOptions.RecordSecrets"/>. Test servers only.
    /// </summary>
    public string? SecretsDirectory { get; init; }

    /// <summary>Where the pool's books are saved after every connection that changed them; null keeps them in memory.</summary>
    public string? StatePath { get; init; }
}
