using System.CommandLine;
using System.Security.Cryptography;
using TsThinLic.Rdp.Nla;

namespace TsThinLic.Host;

/// <summary>
/// The credentials options of <c>probe</c> and <c>license --server</c>: <c>--user DOMAIN\user</c> or <c>user@domain</c>,
/// and the password from a prompt without echo (a terminal), from stdin (<c>--password-stdin</c>) or from the environment
/// variable <c>--password-env NAME</c> names. Never from the command line, never logged; the characters read are zeroed
/// once the credentials hold their copy (which the command disposes, zeroing it, after the connection).
/// </summary>
internal sealed class ProbeCredentials
{
    /// <summary>The longest password read (Windows allows 256 characters for an account password).</summary>
    public const int MaxPasswordLength = 256;

    private readonly Option<bool> _passwordStdin = new("--password-stdin") { Description = "Read the password for Network Level Authentication from the first line of stdin." };
    private readonly Option<string?> _passwordEnv = new("--password-env") { Description = "Read the password for Network Level Authentication from this environment variable." };

    public void AddTo(Command command)
    {
        command.Options.Add(_passwordStdin);
        command.Options.Add(_passwordEnv);
    }

    /// <summary>Whether a password source other than the prompt was named.</summary>
    public bool SourceGiven(ParseResult parseResult) => parseResult.GetValue(_passwordStdin) || parseResult.GetValue(_passwordEnv) is not null;

    /// <summary>
    /// Reads the password for <paramref name="account"/> and builds the credentials; null with <paramref name="problem"/>
    /// when none can be had. <paramref name="mayPrompt"/>: ask on the terminal when no other source was named.
    /// </summary>
    public NlaCredentials? Read(ParseResult parseResult, string account, bool mayPrompt, TextReader input, TextWriter error, out string? problem)
    {
        (string userName, string domain) = NlaCredentials.ParseAccount(account);
        char[]? password = null;
        try
        {
            if (parseResult.GetValue(_passwordStdin))
            {
                password = ReadLine(input);
                if (password is null)
                {
                    problem = "--password-stdin: stdin ended before a password line";
                    return null;
                }
            }
            else if (parseResult.GetValue(_passwordEnv) is { } variable)
            {
                // A .NET string cannot be zeroed; the environment keeps its own copy anyway.
                string? value = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(value))
                {
                    problem = $"--password-env: the environment variable {variable} is not set or empty";
                    return null;
                }

                password = value.ToCharArray();
            }
            else if (mayPrompt && !Console.IsInputRedirected && !Console.IsErrorRedirected)
            {
                password = Prompt(error, $"Password for {account}: ");
            }
            else
            {
                problem = $"Network Level Authentication as {account} needs a password: --password-stdin, --password-env NAME, or a terminal to type it in";
                return null;
            }

            if (password.Length > MaxPasswordLength)
            {
                problem = $"the password is longer than {MaxPasswordLength} characters";
                return null;
            }

            problem = null;
            return new NlaCredentials(userName, domain, password);
        }
        finally
        {
            if (password is not null)
            {
                CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(password.AsSpan()));
            }
        }
    }

    // One line, character by character, so the password never becomes a string; the line end is not part of it.
    private static char[]? ReadLine(TextReader input)
    {
        char[] buffer = new char[MaxPasswordLength + 1];
        int length = 0;
        try
        {
            while (true)
            {
                int next = input.Read();
                if (next == -1)
                {
                    return length == 0 ? null : buffer[..length];
                }

                if (next == '\n')
                {
                    return buffer[..(length > 0 && buffer[length - 1] == '\r' ? length - 1 : length)];
                }

                if (length == buffer.Length)
                {
                    return buffer; // one over the limit: the caller says it is too long
                }

                buffer[length++] = (char)next;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan()));
        }
    }

    // The terminal prompt: keys read without echo; backspace works, Enter ends.
    private static char[] Prompt(TextWriter error, string question)
    {
        error.Write(question);
        error.Flush();
        char[] buffer = new char[MaxPasswordLength + 1];
        int length = 0;
        try
        {
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter)
                {
                    break;
                }

                if (key.Key == ConsoleKey.Backspace)
                {
                    length = Math.Max(0, length - 1);
                }
                else if (key.KeyChar != '\0' && length < buffer.Length)
                {
                    buffer[length++] = key.KeyChar;
                }
            }

            error.WriteLine();
            return buffer[..length];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan()));
        }
    }
}
