using TsThinLic.Replay.Decryption;

namespace TsThinLic.Replay.Capture;

/// <summary>One TCP connection of a capture: its endpoints, what it carried, its licensing PDUs and what was noticed.</summary>
public sealed class CapturedConnection
{
    public CapturedConnection(string client, string server, CapturedStreamKind kind, IReadOnlyList<CapturedLicensingPdu> pdus, IReadOnlyList<string> notes, GccServerSecurityData? serverSecurity = null)
    {
        ServerSecurity = serverSecurity;
        Client = client;
        Server = server;
        Kind = kind;
        Pdus = pdus;
        Notes = notes;
    }

    /// <summary>The client's address and port (<c>127.0.0.1:40292</c>).</summary>
    public string Client { get; }

    /// <summary>The server's address and port.</summary>
    public string Server { get; }

    /// <summary>What the connection carried.</summary>
    public CapturedStreamKind Kind { get; }

    /// <summary>The licensing PDUs of both directions in capture order.</summary>
    public IReadOnlyList<CapturedLicensingPdu> Pdus { get; }

    /// <summary>Things worth telling a reader: gaps, retransmissions, TLS, a stream that is not RDP.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The Server Security Data of the MCS Connect Response, when the capture holds it in the clear.</summary>
    public GccServerSecurityData? ServerSecurity { get; }

    /// <summary>What was decrypted and how (TLS version and suite, or the Standard RDP Security method and key), or null.</summary>
    public string? Decryption { get; init; }

    /// <summary>Whether the RDP stream was read after decryption (TLS application data, or Standard RDP Security PDUs).</summary>
    public bool IsDecrypted { get; init; }

    /// <summary>Every TLS record of the connection with its plaintext, when it was decrypted.</summary>
    internal IReadOnlyList<TlsCapturedRecord> TlsRecords { get; init; } = [];

    /// <summary>For example <c>127.0.0.1:40292 → 127.0.0.1:33895</c>.</summary>
    public string Name => $"{Client} → {Server}";
}
