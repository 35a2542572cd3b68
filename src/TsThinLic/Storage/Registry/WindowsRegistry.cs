using System.Buffers.Binary;
using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;
using System.Text;
using Microsoft.Win32;

namespace TsThinLic.Storage.Registry;

/// <summary>
/// The real registry: HKEY_LOCAL_MACHINE in the 64-bit view (a 32-bit process on 64-bit Windows would otherwise be
/// redirected to WOW6432Node, where Windows' own client does not look).
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsRegistry : IRegistry
{
    /// <summary>The UWF volume filter driver's service key: present when UWF is installed.</summary>
    public const string UwfServiceKey = @"SYSTEM\CurrentControlSet\Services\uwfvol";

    private static RegistryKey Root() => RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry64);

    public bool KeyExists(string keyPath)
    {
        using RegistryKey root = Root();
        using RegistryKey? key = root.OpenSubKey(keyPath);
        return key is not null;
    }

    public IReadOnlyList<string> GetSubKeyNames(string keyPath)
    {
        using RegistryKey root = Root();
        using RegistryKey? key = root.OpenSubKey(keyPath);
        return key?.GetSubKeyNames() ?? [];
    }

    public IReadOnlyList<string> GetValueNames(string keyPath)
    {
        using RegistryKey root = Root();
        using RegistryKey? key = root.OpenSubKey(keyPath);
        return key?.GetValueNames() ?? [];
    }

    public RegistryValue? GetValue(string keyPath, string valueName)
    {
        using RegistryKey root = Root();
        using RegistryKey? key = root.OpenSubKey(keyPath);
        if (key is null)
        {
            return null;
        }

        object? value = key.GetValue(valueName, null, RegistryValueOptions.DoNotExpandEnvironmentNames);
        if (value is null)
        {
            return null;
        }

        RegistryValueKind kind = key.GetValueKind(valueName);
        return kind switch
        {
            RegistryValueKind.Binary => RegistryValue.Binary((byte[])value),
            RegistryValueKind.DWord => RegistryValue.DWord(unchecked((uint)(int)value)),
            RegistryValueKind.QWord => RegistryValue.QWord(unchecked((ulong)(long)value)),
            RegistryValueKind.String => new RegistryValue(RegistryValueType.String, Encoding.Unicode.GetBytes((string)value + "\0")),
            RegistryValueKind.ExpandString => new RegistryValue(RegistryValueType.ExpandString, Encoding.Unicode.GetBytes((string)value + "\0")),
            RegistryValueKind.MultiString => new RegistryValue(RegistryValueType.MultiString, Encoding.Unicode.GetBytes(string.Join('\0', (string[])value) + "\0\0")),
            _ => new RegistryValue(RegistryValueType.None, value as byte[] ?? []),
        };
    }

    public void SetValue(string keyPath, string valueName, RegistryValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using RegistryKey root = Root();
        using RegistryKey key = root.CreateSubKey(keyPath, writable: true);
        ReadOnlySpan<byte> data = value.Data.Span;
        switch (value.Type)
        {
            case RegistryValueType.Binary:
                key.SetValue(valueName, data.ToArray(), RegistryValueKind.Binary);
                break;
            case RegistryValueType.DWord:
                key.SetValue(valueName, BinaryPrimitives.ReadInt32LittleEndian(data), RegistryValueKind.DWord);
                break;
            case RegistryValueType.QWord:
                key.SetValue(valueName, BinaryPrimitives.ReadInt64LittleEndian(data), RegistryValueKind.QWord);
                break;
            case RegistryValueType.String:
                key.SetValue(valueName, Encoding.Unicode.GetString(data).TrimEnd('\0'), RegistryValueKind.String);
                break;
            default:
                throw new NotSupportedException($"The store writes no {value.Type} values.");
        }
    }

    public void DeleteValue(string keyPath, string valueName)
    {
        using RegistryKey root = Root();
        using RegistryKey? key = root.OpenSubKey(keyPath, writable: true);
        key?.DeleteValue(valueName, throwOnMissingValue: false);
    }

    public void DeleteKeyTree(string keyPath)
    {
        using RegistryKey root = Root();
        root.DeleteSubKeyTree(keyPath, throwOnMissingSubKey: false);
    }

    public IReadOnlyList<RegistryAccessRule> GetAccessRules(string keyPath)
    {
        using RegistryKey root = Root();
        using RegistryKey? key = root.OpenSubKey(keyPath);
        if (key is null)
        {
            return [];
        }

        RegistrySecurity security = key.GetAccessControl(AccessControlSections.Access);
        var rules = new List<RegistryAccessRule>();
        foreach (AuthorizationRule rule in security.GetAccessRules(includeExplicit: true, includeInherited: true, typeof(SecurityIdentifier)))
        {
            if (rule is System.Security.AccessControl.RegistryAccessRule access)
            {
                rules.Add(new RegistryAccessRule(access.IdentityReference.Value, access.AccessControlType == AccessControlType.Allow, unchecked((uint)access.RegistryRights)));
            }
        }

        return rules;
    }

    public WriteFilterState GetWriteFilterState()
    {
        // Presence: the uwfvol driver's service key. PersistTSCAL is a property of the WMI class UWF_RegistryFilter
        // (root\standardcimv2\embedded); WMI is not reachable from a trimmed Native AOT binary, so it stays unknown
        // here and the report says how to read it (uwfmgr get-config).
        bool present = KeyExists(UwfServiceKey);
        return new WriteFilterState(present, null, present ? "uwfvol service key present; PersistTSCAL: run 'uwfmgr get-config'" : "uwfvol service key absent");
    }
}
