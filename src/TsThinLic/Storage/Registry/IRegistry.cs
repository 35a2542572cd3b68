namespace TsThinLic.Storage.Registry;

/// <summary>
/// The small part of the Windows registry the MSLicensing store uses, on paths relative to HKEY_LOCAL_MACHINE in the
/// 64-bit view (<c>SOFTWARE\Microsoft\MSLicensing\Store</c>). Key and value names compare case-insensitively, as in
/// the registry. Implementations: <see cref="WindowsRegistry"/>, <see cref="MemoryRegistry"/> (tests, .reg files).
/// Any method may throw what the registry throws: <see cref="RegistryException"/> (an <see cref="IOException"/> naming
/// the key and carrying the OS's words; what <see cref="WindowsRegistry"/> throws), or <see cref="UnauthorizedAccessException"/>,
/// <see cref="IOException"/>, <see cref="System.Security.SecurityException"/>; the store maps that to
/// <see cref="LicenseStoreException"/>. A key the registry refuses to open is never reported as a missing one.
/// </summary>
public interface IRegistry
{
    bool KeyExists(string keyPath);

    /// <summary>Subkey names; empty when the key does not exist.</summary>
    IReadOnlyList<string> GetSubKeyNames(string keyPath);

    /// <summary>Value names; empty when the key does not exist.</summary>
    IReadOnlyList<string> GetValueNames(string keyPath);

    /// <summary>The value, or null when it or its key does not exist.</summary>
    RegistryValue? GetValue(string keyPath, string valueName);

    /// <summary>Sets a value, creating the key (and its parents) when needed.</summary>
    void SetValue(string keyPath, string valueName, RegistryValue value);

    /// <summary>Deletes a value; nothing when it does not exist.</summary>
    void DeleteValue(string keyPath, string valueName);

    /// <summary>Deletes a key and everything under it; nothing when it does not exist.</summary>
    void DeleteKeyTree(string keyPath);

    /// <summary>
    /// The access rules of the key's DACL that govern the key itself (explicit and inherited; inherit-only ACEs left
    /// out, generic rights mapped to key rights); empty when its DACL is empty; null when there is no ACL to judge:
    /// the key does not exist, or this registry keeps none (a .reg file).
    /// </summary>
    IReadOnlyList<RegistryAccessRule>? GetAccessRules(string keyPath);

    /// <summary>The Unified Write Filter's state on this system.</summary>
    WriteFilterState GetWriteFilterState();
}
