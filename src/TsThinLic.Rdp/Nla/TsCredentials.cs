using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp.Nla;

/// <summary>
/// [MS-CSSP 2.2.1.2, 2.2.1.2.1] TSCredentials carrying TSPasswordCreds, what authInfo seals:
/// <code>
/// TSCredentials   ::= SEQUENCE { credType [0] INTEGER, credentials [1] OCTET STRING }   -- credType 1: password
/// TSPasswordCreds ::= SEQUENCE { domainName [0] OCTET STRING, userName [1] OCTET STRING, password [2] OCTET STRING }
/// </code>
/// The strings are UTF-16LE. The encoding holds the password: callers zero it once sealed.
/// </summary>
public static class TsCredentials
{
    /// <summary>credType of TSPasswordCreds.</summary>
    public const int CredTypePassword = 1;

    /// <summary>
    /// Encodes TSCredentials with TSPasswordCreds. Every intermediate buffer holding the password is zeroed; the result
    /// is the caller's to zero.
    /// </summary>
    public static byte[] EncodePassword(string domain, string userName, ReadOnlySpan<char> password)
    {
        byte[] passwordBytes = new byte[Encoding.Unicode.GetByteCount(password)];
        byte[]? passwordString = null, passwordField = null, passwordCreds = null, credentialsString = null, credentialsField = null;
        try
        {
            Encoding.Unicode.GetBytes(password, passwordBytes);
            passwordString = DerWriter.OctetString(passwordBytes);
            passwordField = DerWriter.Explicit(2, passwordString);
            passwordCreds = DerWriter.Sequence(
                DerWriter.Explicit(0, DerWriter.OctetString(Encoding.Unicode.GetBytes(domain))),
                DerWriter.Explicit(1, DerWriter.OctetString(Encoding.Unicode.GetBytes(userName))),
                passwordField);
            credentialsString = DerWriter.OctetString(passwordCreds);
            credentialsField = DerWriter.Explicit(1, credentialsString);
            return DerWriter.Sequence(DerWriter.Explicit(0, DerWriter.Integer(CredTypePassword)), credentialsField);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            Zero(passwordString);
            Zero(passwordField);
            Zero(passwordCreds);
            Zero(credentialsString);
            Zero(credentialsField);
        }
    }

    /// <summary>Decodes TSCredentials with TSPasswordCreds (what a server unseals; tests and emulated servers).</summary>
    public static bool TryDecodePassword(ReadOnlySpan<byte> data, [NotNullWhen(true)] out string? domain, [NotNullWhen(true)] out string? userName, [NotNullWhen(true)] out string? password, out DecodeError error)
    {
        domain = userName = password = null;
        var outer = new DerCursor(data, 0);
        if (!outer.TryRead(DerTags.Sequence, "TSCredentials", out ReadOnlySpan<byte> credentials, out int offset) || !outer.TryEnd("TSCredentials"))
        {
            error = outer.Error;
            return false;
        }

        var fields = new DerCursor(credentials, offset);
        if (!fields.TryReadExplicit(0, "credType", out DerCursor typeField))
        {
            error = fields.Error;
            return false;
        }

        if (!typeField.TryReadInt32("credType", out int credType) || !typeField.TryEnd("credType"))
        {
            error = typeField.Error;
            return false;
        }

        if (credType != CredTypePassword)
        {
            error = new DecodeError(DecodeErrorKind.InvalidValue, "credType", offset, $"{credType}, not 1 (password)");
            return false;
        }

        if (!fields.TryReadExplicit(1, "credentials", out DerCursor credentialsField))
        {
            error = fields.Error;
            return false;
        }

        if (!credentialsField.TryRead(DerTags.OctetString, "credentials", out ReadOnlySpan<byte> creds, out int credsOffset) || !credentialsField.TryEnd("credentials") || !fields.TryEnd("TSCredentials"))
        {
            error = credentialsField.Error.Field is not null ? credentialsField.Error : fields.Error;
            return false;
        }

        var passwordCreds = new DerCursor(creds, credsOffset);
        if (!passwordCreds.TryRead(DerTags.Sequence, "TSPasswordCreds", out ReadOnlySpan<byte> inner, out int innerOffset) || !passwordCreds.TryEnd("TSPasswordCreds"))
        {
            error = passwordCreds.Error;
            return false;
        }

        var strings = new DerCursor(inner, innerOffset);
        string[] names = ["domainName", "userName", "password"];
        string[] values = new string[3];
        for (int i = 0; i < 3; i++)
        {
            if (!strings.TryReadExplicit(i, names[i], out DerCursor field))
            {
                error = strings.Error;
                return false;
            }

            if (!field.TryRead(DerTags.OctetString, names[i], out ReadOnlySpan<byte> value, out _) || !field.TryEnd(names[i]))
            {
                error = field.Error;
                return false;
            }

            values[i] = Encoding.Unicode.GetString(value);
        }

        if (!strings.TryEnd("TSPasswordCreds"))
        {
            error = strings.Error;
            return false;
        }

        (domain, userName, password) = (values[0], values[1], values[2]);
        error = default;
        return true;
    }

    private static void Zero(byte[]? buffer)
    {
        if (buffer is not null)
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
