using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TsThinLic.Crypto;
using TsThinLic.Rdp.Tls;
using Xunit;

namespace TsThinLic.Tests.Crypto.Tls;

/// <summary>
/// The client against OpenSSL's own server (<c>openssl s_server -www</c>, the TLS library xrdp uses) over loopback:
/// every offered suite, both ECDHE groups, PSS and PKCS#1 signatures. Needs the openssl command, as the xrdp
/// integration tests need xrdp; without it (TSTHINLIC_INTEGRATION=off) the tests return early.
/// </summary>
public sealed class OpenSslInteropTests(OpenSslInteropTests.ServerCertificate certificate) : IClassFixture<OpenSslInteropTests.ServerCertificate>
{
    public static TheoryData<string, string, string, int> Cases() => new()
    {
        // OpenSSL cipher name, group, signature algorithm, expected CipherSuite number
        { "ECDHE-RSA-AES256-GCM-SHA384", "X25519", "rsa_pss_rsae_sha256", 0xC030 },
        { "ECDHE-RSA-AES256-GCM-SHA384", "P-256", "rsa_pss_rsae_sha384", 0xC030 },
        { "ECDHE-RSA-AES128-GCM-SHA256", "X25519", "rsa_pkcs1_sha256", 0xC02F },
        { "ECDHE-RSA-AES128-GCM-SHA256", "P-256", "rsa_pkcs1_sha384", 0xC02F },
        { "ECDHE-RSA-AES256-SHA", "X25519", "rsa_pkcs1_sha512", 0xC014 },
        { "ECDHE-RSA-AES256-SHA", "P-256", "rsa_pss_rsae_sha256", 0xC014 },
        { "ECDHE-RSA-AES128-SHA", "X25519", "rsa_pkcs1_sha1", 0xC013 },
        { "ECDHE-RSA-AES128-SHA", "P-256", "rsa_pkcs1_sha256", 0xC013 },
        { "AES256-GCM-SHA384", "X25519", "rsa_pss_rsae_sha256", 0x009D },
        { "AES128-GCM-SHA256", "X25519", "rsa_pss_rsae_sha256", 0x009C },
        { "AES128-SHA", "X25519", "rsa_pss_rsae_sha256", 0x002F },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void HandshakeAndHttpStatusPage(string cipher, string group, string signature, int suite)
    {
        if (Environment.GetEnvironmentVariable("TSTHINLIC_INTEGRATION") == "off")
        {
            return;
        }

        using var server = OpenSslServer.Start(certificate.Directory, cipher, group, signature);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        socket.Connect(IPAddress.Loopback, server.Port);

        var client = new TlsClientSession(SystemRandomSource.Instance);
        Assert.True(client.Start());
        Flush(socket, client);
        byte[] buffer = new byte[16384];
        while (!client.IsHandshakeComplete)
        {
            int read = socket.Receive(buffer);
            Assert.True(read > 0, $"s_server closed the connection during the handshake: {server.Output()}");
            Assert.True(client.OfferInput(buffer.AsSpan(0, read)), client.Failure);
            Flush(socket, client);
        }

        Assert.Equal(suite, client.CipherSuite);
        Assert.True(client.WriteApplicationData("GET / HTTP/1.0\r\n\r\n"u8));
        Flush(socket, client);

        // -www answers with a status page naming the negotiated cipher, then closes with close_notify.
        var page = new StringBuilder();
        while (client.Failure is null)
        {
            int read = socket.Receive(buffer);
            if (read == 0)
            {
                break;
            }

            client.OfferInput(buffer.AsSpan(0, read));
            page.Append(Encoding.ASCII.GetString(client.TakeApplicationData()));
        }

        Assert.Contains("HTTP/1.0 200 ok", page.ToString(), StringComparison.Ordinal);
        Assert.Contains(cipher, page.ToString(), StringComparison.Ordinal);
        Assert.True(client.Failure is null || client.Failure.Contains("close_notify", StringComparison.Ordinal), client.Failure);
    }

    private static void Flush(Socket socket, TlsClientSession client)
    {
        byte[] output = client.TakeOutput();
        if (output.Length > 0)
        {
            socket.Send(output);
        }
    }

    /// <summary>One <c>openssl s_server</c> for one connection, with a throwaway RSA certificate; killed by PID on dispose.</summary>
    private sealed class OpenSslServer : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private OpenSslServer(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public static OpenSslServer Start(string directory, string cipher, string group, string signature)
        {
            int port = FreePort();

            // SHA-1 signatures need security level 0 in OpenSSL 3.
            string cipherList = signature == "rsa_pkcs1_sha1" ? cipher + ":@SECLEVEL=0" : cipher;
            var start = new ProcessStartInfo("openssl")
            {
                ArgumentList =
                {
                    "s_server", "-accept", $"127.0.0.1:{port}", "-cert", Path.Combine(directory, "cert.pem"), "-key", Path.Combine(directory, "key.pem"),
                    "-tls1_2", "-cipher", cipherList, "-groups", group, "-sigalgs", signature, "-www", "-naccept", "1",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
            var server = new OpenSslServer(process, port);
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            server.WaitForListener();
            return server;
        }

        public string Output()
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.WaitForExit(5000);
            _process.Dispose();
        }

        private void Append(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }

        private void WaitForListener()
        {
            var clock = Stopwatch.StartNew();
            while (!Output().Contains("ACCEPT", StringComparison.Ordinal))
            {
                if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(10))
                {
                    throw new InvalidOperationException($"openssl s_server did not start: {Output()}");
                }

                Thread.Sleep(20);
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    /// <summary>A throwaway RSA certificate for s_server, made once per test class and deleted after it.</summary>
    public sealed class ServerCertificate : IDisposable
    {
        public ServerCertificate()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("tsthinlic-openssl-").FullName;
            if (Environment.GetEnvironmentVariable("TSTHINLIC_INTEGRATION") == "off")
            {
                return;
            }

            var start = new ProcessStartInfo("openssl")
            {
                ArgumentList = { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", Path.Combine(Directory, "key.pem"), "-out", Path.Combine(Directory, "cert.pem") },
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process process = Process.Start(start)!;
            process.StandardError.ReadToEnd();
            process.WaitForExit();
        }

        public string Directory { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
