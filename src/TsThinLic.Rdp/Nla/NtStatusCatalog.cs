namespace TsThinLic.Rdp.Nla;

/// <summary>
/// The errorCode a CredSSP server reports ([MS-CSSP 2.2.1], version 3 and later): an NTSTATUS ([MS-ERREF 2.3]), an
/// HRESULT of SSPI (SEC_E_*), or a Win32 error wrapped as NTSTATUS (0xC007xxxx, as FreeRDP's server sends them), by
/// name and with what it means for the person at the device.
/// </summary>
public static class NtStatusCatalog
{
    private static readonly Dictionary<uint, (string Name, string Meaning, NlaFailureReason Reason)> s_codes = new()
    {
        [0xC000006D] = ("STATUS_LOGON_FAILURE", "the user name or password is wrong", NlaFailureReason.LogonFailure),
        [0xC000006A] = ("STATUS_WRONG_PASSWORD", "the password is wrong", NlaFailureReason.LogonFailure),
        [0xC0000064] = ("STATUS_NO_SUCH_USER", "there is no such user", NlaFailureReason.LogonFailure),
        [0xC000006E] = ("STATUS_ACCOUNT_RESTRICTION", "an account restriction (blank password, logon hours, workstations) keeps the user out", NlaFailureReason.AccountRestriction),
        [0xC000006F] = ("STATUS_INVALID_LOGON_HOURS", "the account may not log on at this time", NlaFailureReason.AccountRestriction),
        [0xC0000070] = ("STATUS_INVALID_WORKSTATION", "the account may not log on from this workstation", NlaFailureReason.AccountRestriction),
        [0xC0000071] = ("STATUS_PASSWORD_EXPIRED", "the password has expired: change it (NLA cannot)", NlaFailureReason.AccountRestriction),
        [0xC0000072] = ("STATUS_ACCOUNT_DISABLED", "the account is disabled", NlaFailureReason.AccountRestriction),
        [0xC0000193] = ("STATUS_ACCOUNT_EXPIRED", "the account has expired", NlaFailureReason.AccountRestriction),
        [0xC0000224] = ("STATUS_PASSWORD_MUST_CHANGE", "the password must be changed before the first logon (NLA cannot)", NlaFailureReason.AccountRestriction),
        [0xC0000234] = ("STATUS_ACCOUNT_LOCKED_OUT", "the account is locked out", NlaFailureReason.AccountRestriction),
        [0xC000015B] = ("STATUS_LOGON_TYPE_NOT_GRANTED", "the account may not log on this way (Remote Desktop Users, 'Allow log on through Remote Desktop Services')", NlaFailureReason.AccountRestriction),
        [0xC0000413] = ("STATUS_AUTHENTICATION_FIREWALL_FAILED", "an authentication firewall refused the account", NlaFailureReason.AccountRestriction),
        [0xC0000022] = ("STATUS_ACCESS_DENIED", "access denied", NlaFailureReason.AccountRestriction),
        [0xC000005E] = ("STATUS_NO_LOGON_SERVERS", "the server reached no domain controller to check the credentials", NlaFailureReason.ServerError),
        [0xC000018D] = ("STATUS_TRUSTED_RELATIONSHIP_FAILURE", "the server's trust with its domain is broken", NlaFailureReason.ServerError),
        [0xC0000133] = ("STATUS_TIME_DIFFERENCE_AT_DC", "the clocks of the server and its domain controller differ too much", NlaFailureReason.ServerError),
        [0xC00000BB] = ("STATUS_NOT_SUPPORTED", "the server does not support what the client asked for (CredSSP version or mechanism)", NlaFailureReason.Refused),
        [0xC000000D] = ("STATUS_INVALID_PARAMETER", "the server found a message of the client invalid", NlaFailureReason.Refused),
        [0xC0000017] = ("STATUS_NO_MEMORY", "the server ran out of memory", NlaFailureReason.ServerError),
        [0x8009030C] = ("SEC_E_LOGON_DENIED", "the logon was denied: wrong user name or password, or the account may not log on", NlaFailureReason.LogonFailure),
        [0x80090308] = ("SEC_E_INVALID_TOKEN", "the server found an authentication token of the client invalid", NlaFailureReason.Refused),
        [0x80090302] = ("SEC_E_UNSUPPORTED_FUNCTION", "the server does not support what the client asked for", NlaFailureReason.Refused),
        [0x8009030F] = ("SEC_E_MESSAGE_ALTERED", "a sealed message failed its check on the server", NlaFailureReason.Refused),
        [0x8009030E] = ("SEC_E_NO_CREDENTIALS", "the server has no credentials for this", NlaFailureReason.ServerError),
        [0x80090311] = ("SEC_E_NO_AUTHENTICATING_AUTHORITY", "the server reached no authority to check the credentials", NlaFailureReason.ServerError),
        [0x80090322] = ("SEC_E_WRONG_PRINCIPAL", "the target principal name is wrong", NlaFailureReason.Refused),
        [0x80090324] = ("SEC_E_TIME_SKEW", "the clocks differ too much", NlaFailureReason.ServerError),
        [0x80090304] = ("SEC_E_INTERNAL_ERROR", "an internal error in the server's security package", NlaFailureReason.ServerError),
        [0x80090346] = ("SEC_E_BAD_BINDINGS", "the channel bindings do not match", NlaFailureReason.Refused),
        [0xC007052E] = ("NTSTATUS_FROM_WIN32(ERROR_LOGON_FAILURE)", "the user name or password is wrong", NlaFailureReason.LogonFailure),
        [0xC0070056] = ("NTSTATUS_FROM_WIN32(ERROR_INVALID_PASSWORD)", "the password is wrong", NlaFailureReason.LogonFailure),
        [0xC0070532] = ("NTSTATUS_FROM_WIN32(ERROR_PASSWORD_EXPIRED)", "the password has expired", NlaFailureReason.AccountRestriction),
        [0xC0070533] = ("NTSTATUS_FROM_WIN32(ERROR_ACCOUNT_DISABLED)", "the account is disabled", NlaFailureReason.AccountRestriction),
        [0xC0070773] = ("NTSTATUS_FROM_WIN32(ERROR_PASSWORD_MUST_CHANGE)", "the password must be changed first", NlaFailureReason.AccountRestriction),
        [0xC0070775] = ("NTSTATUS_FROM_WIN32(ERROR_ACCOUNT_LOCKED_OUT)", "the account is locked out", NlaFailureReason.AccountRestriction),
        [0xC00700EA] = ("NTSTATUS_FROM_WIN32(ERROR_MORE_DATA)", "the server's security package could not take the client's token (FreeRDP 2.11's server answers NTLM in SPNEGO this way)", NlaFailureReason.Refused),
    };

    /// <summary>The name of <paramref name="code"/>, or its hex value.</summary>
    public static string Name(int code)
        => s_codes.TryGetValue(unchecked((uint)code), out var entry) ? entry.Name
            : (unchecked((uint)code) & 0xFFFF0000) == 0xC0070000 ? $"NTSTATUS_FROM_WIN32({unchecked((uint)code) & 0xFFFF})"
            : $"0x{unchecked((uint)code):x8}";

    /// <summary>What <paramref name="code"/> means, or a generic sentence.</summary>
    public static string Meaning(int code)
        => s_codes.TryGetValue(unchecked((uint)code), out var entry) ? entry.Meaning
            : (unchecked((uint)code) & 0xFFFF0000) == 0xC0070000 ? $"Win32 error {unchecked((uint)code) & 0xFFFF} on the server"
            : "an error code this client does not name";

    /// <summary>What kind of failure <paramref name="code"/> is.</summary>
    public static NlaFailureReason Reason(int code) => s_codes.TryGetValue(unchecked((uint)code), out var entry) ? entry.Reason : NlaFailureReason.ServerError;
}
