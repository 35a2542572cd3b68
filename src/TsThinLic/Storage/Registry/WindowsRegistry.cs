using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace TsThinLic.Storage.Registry;

/// <summary>
/// The real registry: HKEY_LOCAL_MACHINE through advapi32, every key opened, created and deleted with KEY_WOW64_64KEY
/// so that a 32-bit process on 64-bit Windows is not redirected to WOW6432Node, where Windows' own client does not
/// look. Values are read and written as raw bytes with their type, exactly as RegQueryValueEx and RegSetValueEx see
/// them, so a value of the wrong type or size reaches the store's checks instead of a conversion that throws. Every
/// failure is a <see cref="RegistryException"/> naming the key and carrying the OS's own words; a key that cannot be
/// opened is never taken for a missing one (Microsoft.Win32.RegistryKey.DeleteSubKeyTree silently skips a subkey it
/// may not open, and its messages are resource keys in a trimmed build).
/// </summary>
[SupportedOSPlatform("windows")]
public sealed partial class WindowsRegistry : IRegistry
{
    /// <summary>The UWF volume filter driver's service key: present when UWF is installed.</summary>
    public const string UwfServiceKey = @"SYSTEM\CurrentControlSet\Services\uwfvol";

    /// <summary>Largest value data read (bytes), as for a .reg file (<see cref="RegFile.MaxValueLength"/>).</summary>
    public const int MaxValueLength = RegFile.MaxValueLength;

    /// <summary>The most subkeys or values listed under one key: a store holds at most a thousand entries.</summary>
    public const int MaxNames = 4096;

    /// <summary>The deepest tree deleted (MSLicensing is three levels deep).</summary>
    public const int MaxDepth = RegistryTree.MaxDepth;

    private const int MaxKeyNameLength = 255;
    private const int MaxValueNameLength = 16383;

    private static readonly nint s_localMachine = unchecked((nint)(int)0x80000002);

    public bool KeyExists(string keyPath)
    {
        using SafeRegistryHandle? key = Open(keyPath, KeyQueryValue, "opening");
        return key is not null;
    }

    public IReadOnlyList<string> GetSubKeyNames(string keyPath)
    {
        using SafeRegistryHandle? key = Open(keyPath, KeyRead, "listing the subkeys of");
        return key is null ? [] : Names(key, keyPath, "subkeys", MaxKeyNameLength, EnumKey);
    }

    public IReadOnlyList<string> GetValueNames(string keyPath)
    {
        using SafeRegistryHandle? key = Open(keyPath, KeyRead, "listing the values of");
        return key is null ? [] : Names(key, keyPath, "values", MaxValueNameLength, EnumValue);
    }

    public RegistryValue? GetValue(string keyPath, string valueName)
    {
        ArgumentNullException.ThrowIfNull(valueName);
        using SafeRegistryHandle? key = Open(keyPath, KeyQueryValue, "reading");
        if (key is null)
        {
            return null;
        }

        // Size first, then the data; a value that grows in between (another writer) is asked for again.
        for (int attempt = 0; ; attempt++)
        {
            uint size = 0;
            int status = QueryValue(key, valueName, out uint type, null, ref size);
            if (status == ErrorFileNotFound)
            {
                return null;
            }

            Check(status, "reading", keyPath, valueName);
            if (size > MaxValueLength)
            {
                throw new RegistryException($@"reading HKLM\{keyPath} value ""{valueName}"": {size} bytes, over the {MaxValueLength} read", keyPath, null);
            }

            byte[] data = new byte[size];
            status = QueryValue(key, valueName, out type, data, ref size);
            if (status == ErrorMoreData && attempt < 3)
            {
                continue;
            }

            if (status == ErrorFileNotFound)
            {
                return null;
            }

            Check(status, "reading", keyPath, valueName);
            return new RegistryValue((RegistryValueType)type, data.AsSpan(0, (int)Math.Min(size, (uint)data.Length)));
        }
    }

    public void SetValue(string keyPath, string valueName, RegistryValue value)
    {
        ArgumentNullException.ThrowIfNull(valueName);
        ArgumentNullException.ThrowIfNull(value);
        using SafeRegistryHandle key = Create(keyPath, KeySetValue);
        byte[] data = value.Data.ToArray();
        Check(SetValueEx(key, valueName, (uint)value.Type, data), "writing", keyPath, valueName);
    }

    public void DeleteValue(string keyPath, string valueName)
    {
        ArgumentNullException.ThrowIfNull(valueName);
        using SafeRegistryHandle? key = Open(keyPath, KeySetValue, "deleting a value of");
        if (key is null)
        {
            return;
        }

        int status = RegDeleteValueW(key, valueName);
        if (status != ErrorFileNotFound)
        {
            Check(status, "deleting", keyPath, valueName);
        }
    }

    public void DeleteKeyTree(string keyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        DeleteTree(keyPath, 0);
    }

    public IReadOnlyList<RegistryAccessRule>? GetAccessRules(string keyPath)
    {
        using SafeRegistryHandle? key = Open(keyPath, ReadControl, "reading the ACL of");
        if (key is null)
        {
            return null;
        }

        uint size = 0;
        int status = KeySecurity(key, null, ref size);
        if (status != ErrorInsufficientBuffer)
        {
            Check(status, "reading the ACL of", keyPath);
        }

        if (size > KeySecurityDescriptor.MaxLength)
        {
            throw new RegistryException($@"reading the ACL of HKLM\{keyPath}: a security descriptor of {size} bytes, over the {KeySecurityDescriptor.MaxLength} read", keyPath, null);
        }

        byte[] descriptor = new byte[size];
        Check(KeySecurity(key, descriptor, ref size), "reading the ACL of", keyPath);
        if (!KeySecurityDescriptor.TryReadDiscretionaryAcl(descriptor.AsSpan(0, (int)Math.Min(size, (uint)descriptor.Length)), out IReadOnlyList<RegistryAccessRule> rules, out string error))
        {
            throw new RegistryException($@"reading the ACL of HKLM\{keyPath}: {error}", keyPath, null);
        }

        return rules;
    }

    public WriteFilterState GetWriteFilterState()
    {
        // Presence: the uwfvol driver's service key. PersistTSCAL is a property of the WMI class UWF_RegistryFilter
        // (root\standardcimv2\embedded); WMI is not reachable from a trimmed Native AOT binary, so it stays unknown
        // here and the report says how to read it (uwfmgr get-config).
        bool present;
        try
        {
            present = KeyExists(UwfServiceKey);
        }
        catch (RegistryException exception)
        {
            return new WriteFilterState(null, null, exception.Message);
        }

        return new WriteFilterState(present, null, present ? "uwfvol service key present; PersistTSCAL: run 'uwfmgr get-config'" : "uwfvol service key absent");
    }

    private static void DeleteTree(string keyPath, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new RegistryException($@"deleting HKLM\{keyPath}: deeper than {MaxDepth} levels, not a license store", keyPath, null);
        }

        using (SafeRegistryHandle? key = Open(keyPath, KeyRead, "deleting"))
        {
            if (key is null)
            {
                return;
            }

            // The first subkey, again and again: each pass deletes it, so nothing is listed whole and a failure to
            // delete stops the loop with the OS's reason instead of looping.
            char[] buffer = new char[MaxKeyNameLength + 1];
            for (int deleted = 0; ; deleted++)
            {
                uint length = (uint)buffer.Length;
                int status = EnumKey(key, 0, buffer, ref length);
                if (status == ErrorNoMoreItems)
                {
                    break;
                }

                Check(status, "deleting", keyPath);
                if (deleted > MaxNames)
                {
                    throw new RegistryException($@"deleting HKLM\{keyPath}: more than {MaxNames} subkeys, not a license store", keyPath, null);
                }

                DeleteTree(keyPath + "\\" + new string(buffer, 0, (int)length), depth + 1);
            }
        }

        int deleteStatus = RegDeleteKeyExW(s_localMachine, keyPath, KeyWow6464Key, 0);
        if (deleteStatus != ErrorFileNotFound)
        {
            Check(deleteStatus, "deleting", keyPath);
        }
    }

    private delegate int Enumerate(SafeRegistryHandle key, uint index, char[] name, ref uint nameLength);

    /// <summary>The names RegEnumKeyEx or RegEnumValueW lists, index by index, at most <see cref="MaxNames"/>.</summary>
    private static List<string> Names(SafeRegistryHandle key, string keyPath, string what, int maxNameLength, Enumerate enumerate)
    {
        var names = new List<string>();
        char[] buffer = new char[maxNameLength + 1];
        for (uint index = 0; ; index++)
        {
            uint length = (uint)buffer.Length;
            int status = enumerate(key, index, buffer, ref length);
            if (status == ErrorNoMoreItems)
            {
                return names;
            }

            Check(status, $"listing the {what} of", keyPath);
            if (names.Count == MaxNames)
            {
                throw new RegistryException($@"listing the {what} of HKLM\{keyPath}: more than {MaxNames} {what}, not a license store", keyPath, null);
            }

            names.Add(new string(buffer, 0, (int)length));
        }
    }

    /// <summary>The key, or null when it does not exist; any other refusal throws (an unreadable key is not an absent one).</summary>
    private static SafeRegistryHandle? Open(string keyPath, uint access, string operation)
    {
        ArgumentNullException.ThrowIfNull(keyPath);
        int status = RegOpenKeyExW(s_localMachine, keyPath, 0, access | KeyWow6464Key, out SafeRegistryHandle key);
        if (status == ErrorFileNotFound)
        {
            key.Dispose();
            return null;
        }

        if (status != ErrorSuccess)
        {
            key.Dispose();
            throw RegistryException.FromWin32(status, operation, keyPath);
        }

        return key;
    }

    private static SafeRegistryHandle Create(string keyPath, uint access)
    {
        ArgumentNullException.ThrowIfNull(keyPath);
        int status = RegCreateKeyExW(s_localMachine, keyPath, 0, null, RegOptionNonVolatile, access | KeyWow6464Key, 0, out SafeRegistryHandle key, out _);
        if (status != ErrorSuccess)
        {
            key.Dispose();
            throw RegistryException.FromWin32(status, "creating", keyPath);
        }

        return key;
    }

    private static void Check(int status, string operation, string keyPath, string? valueName = null)
    {
        if (status != ErrorSuccess)
        {
            throw RegistryException.FromWin32(status, operation, keyPath, valueName);
        }
    }

    private static unsafe int EnumValue(SafeRegistryHandle key, uint index, char[] name, ref uint nameLength)
    {
        fixed (char* pointer = name)
        {
            return RegEnumValueW(key, index, pointer, ref nameLength, 0, 0, 0, 0);
        }
    }

    private static unsafe int EnumKey(SafeRegistryHandle key, uint index, char[] name, ref uint nameLength)
    {
        fixed (char* pointer = name)
        {
            return RegEnumKeyExW(key, index, pointer, ref nameLength, 0, 0, 0, 0);
        }
    }

    private static unsafe int QueryValue(SafeRegistryHandle key, string valueName, out uint type, byte[]? data, ref uint size)
    {
        fixed (byte* pointer = data)
        {
            return RegQueryValueExW(key, valueName, 0, out type, pointer, ref size);
        }
    }

    private static unsafe int KeySecurity(SafeRegistryHandle key, byte[]? descriptor, ref uint size)
    {
        fixed (byte* pointer = descriptor)
        {
            return RegGetKeySecurity(key, DaclSecurityInformation, pointer, ref size);
        }
    }

    private static unsafe int SetValueEx(SafeRegistryHandle key, string valueName, uint type, byte[] data)
    {
        fixed (byte* pointer = data)
        {
            return RegSetValueExW(key, valueName, 0, type, pointer, (uint)data.Length);
        }
    }

    // Winerror.h and winnt.h.
    private const int ErrorSuccess = 0;
    private const int ErrorFileNotFound = 2;
    private const int ErrorInsufficientBuffer = 122;
    private const int ErrorMoreData = 234;
    private const int ErrorNoMoreItems = 259;
    private const uint KeyQueryValue = 0x0001;
    private const uint KeySetValue = 0x0002;
    private const uint KeyRead = 0x20019;
    private const uint ReadControl = 0x20000;
    private const uint KeyWow6464Key = 0x0100;
    private const uint RegOptionNonVolatile = 0;
    private const uint DaclSecurityInformation = 0x4;

    [LibraryImport("advapi32.dll", StringMarshalling = StringMarshalling.Utf16)]
    private static partial int RegOpenKeyExW(nint key, string subKey, uint options, uint desired, out SafeRegistryHandle result);

    [LibraryImport("advapi32.dll", StringMarshalling = StringMarshalling.Utf16)]
    private static partial int RegCreateKeyExW(nint key, string subKey, uint reserved, string? className, uint options, uint desired, nint securityAttributes, out SafeRegistryHandle result, out uint disposition);

    [LibraryImport("advapi32.dll", StringMarshalling = StringMarshalling.Utf16)]
    private static unsafe partial int RegQueryValueExW(SafeRegistryHandle key, string valueName, nint reserved, out uint type, byte* data, ref uint size);

    [LibraryImport("advapi32.dll", StringMarshalling = StringMarshalling.Utf16)]
    private static unsafe partial int RegSetValueExW(SafeRegistryHandle key, string valueName, uint reserved, uint type, byte* data, uint size);

    [LibraryImport("advapi32.dll", StringMarshalling = StringMarshalling.Utf16)]
    private static partial int RegDeleteValueW(SafeRegistryHandle key, string valueName);

    [LibraryImport("advapi32.dll", StringMarshalling = StringMarshalling.Utf16)]
    private static partial int RegDeleteKeyExW(nint key, string subKey, uint desired, uint reserved);

    [LibraryImport("advapi32.dll")]
    private static unsafe partial int RegEnumKeyExW(SafeRegistryHandle key, uint index, char* name, ref uint nameLength, nint reserved, nint className, nint classLength, nint lastWriteTime);

    [LibraryImport("advapi32.dll")]
    private static unsafe partial int RegEnumValueW(SafeRegistryHandle key, uint index, char* name, ref uint nameLength, nint reserved, nint type, nint data, nint dataLength);

    [LibraryImport("advapi32.dll")]
    private static unsafe partial int RegGetKeySecurity(SafeRegistryHandle key, uint information, byte* descriptor, ref uint size);
}
