using System.Runtime.InteropServices;

namespace TsThinLic.Storage.Registry;

/// <summary>
/// The registry refused an operation on a key: the key, what was being done and, when the operating system said why,
/// its error code and its own words (FormatMessage's text, as regedit and reg.exe show it: "Access is denied."), so a
/// field engineer reads the OS's reason, not a .NET resource key.
/// </summary>
public sealed class RegistryException : IOException
{
    public RegistryException()
    {
        KeyPath = string.Empty;
    }

    public RegistryException(string message)
        : base(message)
    {
        KeyPath = string.Empty;
    }

    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
        KeyPath = string.Empty;
    }

    /// <param name="message">The whole message, naming the key.</param>
    /// <param name="keyPath">The key, relative to HKEY_LOCAL_MACHINE.</param>
    /// <param name="win32Error">The Win32 error code the registry returned, if the OS refused.</param>
    public RegistryException(string message, string keyPath, int? win32Error)
        : base(message)
    {
        KeyPath = keyPath;
        Win32Error = win32Error;
        if (win32Error is { } code)
        {
            HResult = code == 0 ? 0 : unchecked((int)0x80070000 | (code & 0xFFFF));
        }
    }

    /// <summary>The key, relative to HKEY_LOCAL_MACHINE.</summary>
    public string KeyPath { get; }

    /// <summary>The Win32 error code (5 is ERROR_ACCESS_DENIED), or null when the refusal is ours (a value over the read limit).</summary>
    public int? Win32Error { get; }

    /// <summary>ERROR_ACCESS_DENIED: the key's ACL refuses this account.</summary>
    public bool IsAccessDenied => Win32Error == 5;

    /// <summary>
    /// "<paramref name="operation"/> HKLM\<paramref name="keyPath"/>: the OS's words (Win32 error N)": the text comes
    /// from the operating system's message table (<see cref="Marshal.GetPInvokeErrorMessage"/>), never from a .NET
    /// resource, which a trimmed build replaces by its key.
    /// </summary>
    public static RegistryException FromWin32(int win32Error, string operation, string keyPath, string? valueName = null)
    {
        string what = valueName is null ? $@"HKLM\{keyPath}" : $@"HKLM\{keyPath} value ""{valueName}""";
        string words = Marshal.GetPInvokeErrorMessage(win32Error).Trim();
        return new RegistryException($"{operation} {what}: {words} (Win32 error {win32Error})", keyPath, win32Error);
    }
}
