using System.Net;
using System.Net.Sockets;

namespace TsThinLic.Tests.Connection;

/// <summary><see cref="FakeRdpServer"/> on a loopback TCP port (Standard RDP Security: no TLS), one scripted server per accepted connection.</summary>
internal static class FakeRdpTcpServer
{
    /// <summary>Serves each accepted connection with the next server from <paramref name="servers"/>.</summary>
    public static (int Port, Task Served, TcpListener Listener) Serve(params FakeRdpServer[] servers)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task served = Task.Run(async () =>
        {
            foreach (FakeRdpServer server in servers)
            {
                using Socket socket = await listener.AcceptSocketAsync();
                await PlayAsync(socket, server);
            }
        });
        return (port, served, listener);
    }

    public static async Task PlayAsync(Socket socket, FakeRdpServer server)
    {
        var buffer = new List<byte>();
        byte[] chunk = new byte[8192];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(chunk).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (SocketException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            buffer.AddRange(chunk.AsSpan(0, read).ToArray());
            while (buffer.Count >= 4 && buffer.Count >= ((buffer[2] << 8) | buffer[3]))
            {
                int length = (buffer[2] << 8) | buffer[3];
                byte[] packet = buffer.GetRange(0, length).ToArray();
                buffer.RemoveRange(0, length);
                foreach (byte[] reply in server.Handle(packet))
                {
                    await socket.SendAsync(reply);
                }
            }
        }
    }

}
