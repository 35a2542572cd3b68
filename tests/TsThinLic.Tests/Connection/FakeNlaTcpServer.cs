using System.Net;
using System.Net.Sockets;
using TsThinLic.Pdu;
using TsThinLic.Rdp;
using TsThinLic.Rdp.Nla;
using TsThinLic.Tests.Crypto.Tls;
using TsThinLic.Tests.Nla;

namespace TsThinLic.Tests.Connection;

/// <summary>
/// An NLA server on a loopback TCP port for the probe's tests: the X.224 exchange in the clear (selecting
/// PROTOCOL_HYBRID or PROTOCOL_HYBRID_EX), BouncyCastle's TLS server, then <see cref="FakeCredSspServer"/> for CredSSP,
/// the Early User Authorization Result under HYBRID_EX, and <see cref="FakeRdpServer"/> for the rest. It keeps every byte
/// the client sent on the wire and, decrypted, every TSRequest.
/// </summary>
internal sealed class FakeNlaTcpServer
{
    private readonly Func<FakeCredSspServer> _credSsp;
    private readonly Func<FakeRdpServer> _rdp;

    public FakeNlaTcpServer(Func<FakeCredSspServer> credSsp, Func<FakeRdpServer> rdp)
    {
        _credSsp = credSsp;
        _rdp = rdp;
    }

    /// <summary>The protocol the server selects.</summary>
    public NegotiationProtocols Selected { get; init; } = NegotiationProtocols.Hybrid;

    /// <summary>authorizationResult under HYBRID_EX.</summary>
    public uint EarlyUserAuthorization { get; init; } = EarlyUserAuthorizationResult.Success;

    /// <summary>Per connection: every byte the client sent, as on the wire.</summary>
    public List<List<byte>> Wire { get; } = [];

    /// <summary>Per connection: the CredSSP server that handled it.</summary>
    public List<FakeCredSspServer> CredSspServers { get; } = [];

    /// <summary>Why a connection's CredSSP server refused, if one did.</summary>
    public List<string?> Problems { get; } = [];

    public (int Port, Task Served, TcpListener Listener) Serve(int connections)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task served = Task.Run(async () =>
        {
            for (int i = 0; i < connections; i++)
            {
                using Socket socket = await listener.AcceptSocketAsync();
                var wire = new List<byte>();
                Wire.Add(wire);
                await PlayAsync(socket, wire);
            }
        });
        return (port, served, listener);
    }

    private async Task PlayAsync(Socket socket, List<byte> wire)
    {
        FakeCredSspServer credSsp = _credSsp();
        FakeRdpServer rdp = _rdp();
        CredSspServers.Add(credSsp);
        Problems.Add(null);
        var tls = new BcTlsPeer(new BcServerOptions());
        var clear = new List<byte>();
        var plain = new List<byte>();
        bool tlsStarted = false;
        bool credentialsIn = false;
        byte[] chunk = new byte[16384];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(chunk).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception exception) when (exception is SocketException or TimeoutException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            wire.AddRange(chunk.AsSpan(0, read).ToArray());
            if (!tlsStarted)
            {
                // The X.224 Connection Request, in the clear.
                clear.AddRange(chunk.AsSpan(0, read).ToArray());
                if (clear.Count < 4 || clear.Count < ((clear[2] << 8) | clear[3]))
                {
                    continue;
                }

                await socket.SendAsync(new X224ConnectionConfirm(Selected).ToArray());
                tlsStarted = true;
                continue;
            }

            try
            {
                tls.Protocol.OfferInput(chunk.AsSpan(0, read).ToArray());
            }
            catch (Exception)
            {
                return; // the client's alert or a broken record: the connection is over
            }

            await FlushAsync(socket, tls);
            if (!tls.Server.HandshakeComplete)
            {
                continue;
            }

            plain.AddRange(tls.TakeApplicationData());
            while (true)
            {
                byte[] buffered = [.. plain];
                int length;
                if (!credentialsIn)
                {
                    if (TsRequest.TryReadFrame(buffered, out length, out _) != DecodeStatus.Complete)
                    {
                        break;
                    }

                    plain.RemoveRange(0, length);
                    byte[]? answer = credSsp.Handle(buffered[..length], out string? problem);
                    if (credSsp.Credentials is not null)
                    {
                        credentialsIn = true;
                        if (Selected == NegotiationProtocols.HybridEx)
                        {
                            await SendAsync(socket, tls, BitConverter.GetBytes(EarlyUserAuthorization));
                        }

                        continue;
                    }

                    if (answer is null)
                    {
                        Problems[^1] = problem;
                        return; // as FreeRDP's server does on a refused logon: it closes
                    }

                    await SendAsync(socket, tls, answer);
                    continue;
                }

                if (buffered.Length < 4 || buffered.Length < ((buffered[2] << 8) | buffered[3]))
                {
                    break;
                }

                length = (buffered[2] << 8) | buffered[3];
                plain.RemoveRange(0, length);
                foreach (byte[] reply in rdp.Handle(buffered[..length]))
                {
                    await SendAsync(socket, tls, reply);
                }
            }
        }
    }

    private static async Task SendAsync(Socket socket, BcTlsPeer tls, byte[] data)
    {
        tls.Protocol.WriteApplicationData(data, 0, data.Length);
        await FlushAsync(socket, tls);
    }

    private static async Task FlushAsync(Socket socket, BcTlsPeer tls)
    {
        byte[] output = tls.TakeOutput();
        if (output.Length > 0)
        {
            await socket.SendAsync(output);
        }
    }

    /// <summary>The TLS content types of the client's records after the X.224 Connection Request.</summary>
    public static List<byte> ClientRecordTypes(IReadOnlyList<byte> wire)
    {
        byte[] bytes = [.. wire];
        int offset = (bytes[2] << 8) | bytes[3]; // past the X.224 Connection Request
        var types = new List<byte>();
        while (offset + 5 <= bytes.Length)
        {
            types.Add(bytes[offset]);
            offset += 5 + ((bytes[offset + 3] << 8) | bytes[offset + 4]);
        }

        return types;
    }
}
