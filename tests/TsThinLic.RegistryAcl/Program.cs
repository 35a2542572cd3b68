using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;
using Microsoft.Win32;
using Microsoft.Win32.SafeHandles;

namespace TsThinLic.RegistryAcl;

/// <summary>
/// <c>TsThinLic.RegistryAcl deny|undeny|windows|show|descriptor KEY</c> on <c>HKLM\KEY</c> in the 64-bit view:
/// <c>deny</c> adds an explicit ACCESS_DENIED_ACE for Everyone (S-1-1-0) with KEY_ALL_ACCESS; <c>undeny</c> removes it;
/// <c>windows</c> gives the key and every key under it the DACL Windows gives a key under HKLM\SOFTWARE (SYSTEM and
/// Administrators Full Control, Users Read), set on each key because Wine does not propagate inheritable ACEs as
/// Windows' SetSecurityInfo does; <c>show</c> prints the DACL as SDDL; <c>descriptor</c> prints, in hex, the bytes
/// RegGetKeySecurity returns for the DACL (test vectors for the store's own descriptor reader).
/// Exit 0 done, 1 the registry refused, 2 bad arguments.
/// </summary>
[SupportedOSPlatform("windows")]
internal static partial class Program
{
    private static readonly SecurityIdentifier s_everyone = new(WellKnownSidType.WorldSid, null);

    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] is not ("deny" or "undeny" or "windows" or "show" or "descriptor"))
        {
            Console.Error.WriteLine("usage: TsThinLic.RegistryAcl deny|undeny|windows|show|descriptor KEY (under HKEY_LOCAL_MACHINE)");
            return 2;
        }

        try
        {
            using RegistryKey root = RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry64);
            return args[0] switch
            {
                "windows" => Windows(root, args[1]),
                "descriptor" => Descriptor(root, args[1]),
                _ => Change(root, args[1], args[0]),
            };
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or System.Security.SecurityException or IOException)
        {
            Console.Error.WriteLine($@"HKLM\{args[1]}: {exception.GetType().Name} 0x{exception.HResult:x8}: {exception.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Opens with READ_CONTROL (and WRITE_DAC to change): what a key's owner keeps under a deny ACE, so that undeny can
    /// undo deny. RegistryKey.SetAccessControl insists on a key opened writable; the access asked for stays the same.
    /// </summary>
    private static RegistryKey? Open(RegistryKey root, string path, bool change, RegistryRights more = 0)
        => root.OpenSubKey(path, change ? RegistryKeyPermissionCheck.ReadWriteSubTree : RegistryKeyPermissionCheck.ReadSubTree, (change ? RegistryRights.ReadPermissions | RegistryRights.ChangePermissions : RegistryRights.ReadPermissions) | more);

    private static int Change(RegistryKey root, string path, string what)
    {
        using RegistryKey? key = Open(root, path, what != "show");
        if (key is null)
        {
            Console.Error.WriteLine($@"HKLM\{path} does not exist");
            return 1;
        }

        RegistrySecurity security = key.GetAccessControl(AccessControlSections.Access);
        if (what != "show")
        {
            var rule = new RegistryAccessRule(s_everyone, RegistryRights.FullControl, AccessControlType.Deny);
            if (what == "deny")
            {
                security.AddAccessRule(rule);
            }
            else
            {
                security.RemoveAccessRuleAll(rule);
            }

            key.SetAccessControl(security);
            security = key.GetAccessControl(AccessControlSections.Access);
        }

        Console.WriteLine(security.GetSecurityDescriptorSddlForm(AccessControlSections.Access));
        return 0;
    }

    private static int Windows(RegistryKey root, string path)
    {
        using RegistryKey? key = Open(root, path, change: true, RegistryRights.EnumerateSubKeys);
        if (key is null)
        {
            Console.Error.WriteLine($@"HKLM\{path} does not exist");
            return 1;
        }

        var security = new RegistrySecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        foreach ((WellKnownSidType sid, RegistryRights rights) in new[] { (WellKnownSidType.LocalSystemSid, RegistryRights.FullControl), (WellKnownSidType.BuiltinAdministratorsSid, RegistryRights.FullControl), (WellKnownSidType.BuiltinUsersSid, RegistryRights.ReadKey) })
        {
            security.AddAccessRule(new RegistryAccessRule(new SecurityIdentifier(sid, null), rights, InheritanceFlags.ContainerInherit, PropagationFlags.None, AccessControlType.Allow));
        }

        key.SetAccessControl(security);
        Console.WriteLine($@"HKLM\{path}: {key.GetAccessControl(AccessControlSections.Access).GetSecurityDescriptorSddlForm(AccessControlSections.Access)}");
        foreach (string child in key.GetSubKeyNames())
        {
            if (Windows(root, path + "\\" + child) != 0)
            {
                return 1;
            }
        }

        return 0;
    }

    private static int Descriptor(RegistryKey root, string path)
    {
        using RegistryKey? key = Open(root, path, change: false);
        if (key is null)
        {
            Console.Error.WriteLine($@"HKLM\{path} does not exist");
            return 1;
        }

        const uint DaclSecurityInformation = 4;
        uint size = 0;
        _ = RegGetKeySecurity(key.Handle, DaclSecurityInformation, null, ref size);
        byte[] descriptor = new byte[size];
        int status = RegGetKeySecurity(key.Handle, DaclSecurityInformation, descriptor, ref size);
        if (status != 0)
        {
            Console.Error.WriteLine($@"HKLM\{path}: RegGetKeySecurity returned {status}: {Marshal.GetPInvokeErrorMessage(status)}");
            return 1;
        }

        Console.WriteLine(Convert.ToHexStringLower(descriptor.AsSpan(0, (int)size)));
        return 0;
    }

    [DllImport("advapi32.dll")]
    private static extern int RegGetKeySecurity(SafeRegistryHandle key, uint information, byte[]? descriptor, ref uint size);
}
