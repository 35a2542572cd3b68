using System.Security.Cryptography;

namespace TsThinLic.Rdp.Nla;

/// <summary>
/// The user and password CredSSP authenticates with. The password is held in a char array that <see cref="Dispose"/>
/// zeroes; it is never logged, never written by --record-secrets, and leaves the device only sealed (authInfo) after the
/// server proved it holds the TLS certificate's key.
/// </summary>
public sealed class NlaCredentials : IDisposable
{
    private readonly char[] _password;

    /// <param name="userName">The account: "user", or a UPN "user@domain" (then <paramref name="domain"/> is empty).</param>
    /// <param name="domain">The domain of a DOMAIN\user account, empty otherwise.</param>
    /// <param name="password">Copied; the caller zeroes its own copy.</param>
    public NlaCredentials(string userName, string domain, ReadOnlySpan<char> password)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(domain);
        UserName = userName;
        Domain = domain;
        _password = password.ToArray();
    }

    /// <summary>UserName as NTLM and TSPasswordCreds carry it.</summary>
    public string UserName { get; }

    /// <summary>UserDom / domainName.</summary>
    public string Domain { get; }

    /// <summary>The account for people: DOMAIN\user or user@domain.</summary>
    public string Display => Domain.Length > 0 ? $@"{Domain}\{UserName}" : UserName;

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The password, until disposed.</summary>
    internal ReadOnlySpan<char> Password
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _password;
        }
    }

    /// <summary>
    /// Parses <c>DOMAIN\user</c> or <c>user@domain</c> (kept whole as a UPN, with an empty domain, as Windows clients
    /// send it); a plain name is a local account.
    /// </summary>
    public static (string UserName, string Domain) ParseAccount(string account)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        int backslash = account.IndexOf('\\');
        return backslash > 0 && backslash < account.Length - 1
            ? (account[(backslash + 1)..], account[..backslash])
            : (account, string.Empty);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_password.AsSpan()));
        IsDisposed = true;
    }
}
