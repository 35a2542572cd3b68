using System.Text;

namespace TsThinLic.Rdp.Tls;

/// <summary>
/// Writes NSS key log lines (<c>LABEL &lt;hex client_random&gt; &lt;hex secret&gt;</c>, lowercase hex, one line per secret,
/// flushed at once so a capture tool can read them while the connection runs) to a stream the caller opened: the
/// host opens the file the user named, in append mode like NSS and OpenSSL, owner-only.
/// </summary>
public sealed class NssKeyLogWriter : ITlsKeyLog
{
    private readonly Stream _stream;
    private readonly Lock _lock = new();

    public NssKeyLogWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>Lines written so far.</summary>
    public int LinesWritten { get; private set; }

    /// <summary>Why a line could not be written, if one could not (the first failure is kept).</summary>
    public string? Problem { get; private set; }

    /// <summary>One line: the label, the client random and the secret in lowercase hex.</summary>
    public static string FormatLine(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        return $"{label} {Convert.ToHexStringLower(clientRandom)} {Convert.ToHexStringLower(secret)}\n";
    }

    public void Write(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret)
    {
        byte[] line = Encoding.ASCII.GetBytes(FormatLine(label, clientRandom, secret));
        lock (_lock)
        {
            try
            {
                _stream.Write(line);
                _stream.Flush();
                LinesWritten++;
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or NotSupportedException or UnauthorizedAccessException)
            {
                Problem ??= exception.Message;
            }
            finally
            {
                Array.Clear(line);
            }
        }
    }
}
