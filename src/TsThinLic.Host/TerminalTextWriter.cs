using System.Text;
using TsThinLic.Diagnostics;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// Standard output or standard error as the host writes them: every character goes through
/// <see cref="TerminalText.EscapeKeepingLines"/> (so no text from outside reaches the terminal raw, whichever command
/// wrote it), line ends are the inner writer's own, and a write the system refuses (stdout on a full disk, /dev/full)
/// is a <see cref="FileFaultException"/> naming the stream and the system's words, which the host turns into exit 2.
/// </summary>
public sealed class TerminalTextWriter : TextWriter
{
    private readonly TextWriter _inner;

    /// <param name="inner">Where the text goes.</param>
    /// <param name="name">The stream in words, for a failed write ("standard output").</param>
    public TerminalTextWriter(TextWriter inner, string name)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(name);
        _inner = inner;
        Name = name;
    }

    /// <summary>The stream in words.</summary>
    public string Name { get; }

    public override Encoding Encoding => _inner.Encoding;

    public override string NewLine
    {
        get => _inner.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine's setter takes null (it means the default line end).
        set => _inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Guard(() => _inner.Write(TerminalText.EscapeKeepingLines(value)));
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void WriteLine() => Guard(_inner.WriteLine);

    public override void WriteLine(string? value)
    {
        Write(value);
        WriteLine();
    }

    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        Write(buffer);
        WriteLine();
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync()
    {
        WriteLine();
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    /// <summary>SGR parameters that reset every attribute.</summary>
    public const string Reset = "0";

    /// <summary>
    /// Writes the view's own SGR sequence <c>ESC [ parameters m</c> to the inner writer, around the escaping every
    /// other write goes through: the one deliberate way colour reaches the terminal. Only digits and ';' are taken as
    /// parameters, so nothing but a colour or an attribute can be written this way (never text from outside).
    /// </summary>
    public void WriteStyle(string parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (char c in parameters)
        {
            if (!(char.IsAsciiDigit(c) || c == ';'))
            {
                throw new ArgumentException("SGR parameters are digits and ';' only", nameof(parameters));
            }
        }

        Guard(() => _inner.Write($"\u001b[{parameters}m"));
    }

    public override void Flush() => Guard(_inner.Flush);

    public override Task FlushAsync()
    {
        Flush();
        return Task.CompletedTask;
    }

    private void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw OsErrorText.Fault("write to", Name, exception);
        }
    }
}
