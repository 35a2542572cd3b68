using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace TsThinLic.Storage.Registry;

/// <summary>
/// [MS-DTYP 2.4.6] SECURITY_DESCRIPTOR in self-relative form, as RegGetKeySecurity returns it: only its DACL is read,
/// into the access rules that govern the key itself. Parsed here rather than with System.Security.AccessControl, which
/// is Windows-only, so that the reader is tested on every platform against bytes a real registry returned.
/// </summary>
internal static class KeySecurityDescriptor
{
    /// <summary>Revision (1) + Sbz1 (1) + Control (2) + OffsetOwner (4) + OffsetGroup (4) + OffsetSacl (4) + OffsetDacl (4).</summary>
    public const int HeaderLength = 1 /* Revision */ + 1 /* Sbz1 */ + 2 /* Control */ + 4 /* OffsetOwner */ + 4 /* OffsetGroup */ + 4 /* OffsetSacl */ + 4 /* OffsetDacl */;

    /// <summary>The largest descriptor read: a header, two SIDs and two ACLs, each ACL at most 65,535 bytes (AclSize is 16-bit).</summary>
    public const int MaxLength = HeaderLength + (2 * 68) + (2 * ushort.MaxValue);

    private const int AclHeaderLength = 1 /* AclRevision */ + 1 /* Sbz1 */ + 2 /* AclSize */ + 2 /* AceCount */ + 2 /* Sbz2 */;
    private const int AceHeaderLength = 1 /* AceType */ + 1 /* AceFlags */ + 2 /* AceSize */;
    private const int SidFixedLength = 1 /* Revision */ + 1 /* SubAuthorityCount */ + 6 /* IdentifierAuthority */;
    private const int MaxSubAuthorities = 15;

    // [MS-DTYP 2.4.6] Control: SE_DACL_PRESENT.
    private const ushort DaclPresent = 0x0004;

    // [MS-DTYP 2.4.4.1] AceType and AceFlags.
    private const byte AccessAllowedAceType = 0x00;
    private const byte AccessDeniedAceType = 0x01;
    private const byte InheritOnlyAce = 0x08;

    // [MS-DTYP 2.4.3] generic rights, mapped as the registry maps them for keys (KEY_READ, KEY_WRITE, KEY_EXECUTE, KEY_ALL_ACCESS).
    private const uint GenericRead = 0x80000000;
    private const uint GenericWrite = 0x40000000;
    private const uint GenericExecute = 0x20000000;
    private const uint GenericAll = 0x10000000;
    private const uint KeyRead = 0x20019;
    private const uint KeyWrite = 0x20006;

    /// <summary>The SID of Everyone (the World SID): a rule for it applies to every account.</summary>
    public const string Everyone = "S-1-1-0";

    /// <summary>
    /// The rules of the DACL that apply to the key itself, in ACE order, generic rights mapped to key rights;
    /// inherit-only ACEs (they govern subkeys only) and ACE types other than allow and deny are left out. A descriptor
    /// with no DACL protects nothing: it reads as Everyone with Full Control. False with the field and offset when the
    /// bytes are not a self-relative descriptor.
    /// </summary>
    public static bool TryReadDiscretionaryAcl(ReadOnlySpan<byte> descriptor, out IReadOnlyList<RegistryAccessRule> rules, out string error)
    {
        rules = [];
        error = string.Empty;
        if (descriptor.Length < HeaderLength || descriptor.Length > MaxLength)
        {
            error = $"security descriptor of {descriptor.Length} bytes: {HeaderLength} to {MaxLength} expected";
            return false;
        }

        if (descriptor[0] != 1)
        {
            error = $"Revision {descriptor[0]} at offset 0: 1 expected";
            return false;
        }

        ushort control = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[2..]);
        uint daclOffset = BinaryPrimitives.ReadUInt32LittleEndian(descriptor[16..]);
        if ((control & DaclPresent) == 0 || daclOffset == 0)
        {
            // [MS-DTYP 2.4.6]: no DACL grants full access to everyone.
            rules = [new RegistryAccessRule(Everyone, true, RegistryAccessRule.FullControl)];
            return true;
        }

        if (daclOffset < HeaderLength || daclOffset > descriptor.Length - AclHeaderLength)
        {
            error = $"OffsetDacl {daclOffset} at offset 16 is outside the {descriptor.Length}-byte descriptor";
            return false;
        }

        ReadOnlySpan<byte> acl = descriptor[(int)daclOffset..];
        int aclSize = BinaryPrimitives.ReadUInt16LittleEndian(acl[2..]);
        int aceCount = BinaryPrimitives.ReadUInt16LittleEndian(acl[4..]);
        if (aclSize < AclHeaderLength || aclSize > acl.Length)
        {
            error = $"AclSize {aclSize} at offset {daclOffset + 2} does not fit the {acl.Length} bytes after OffsetDacl";
            return false;
        }

        acl = acl[..aclSize];
        var result = new List<RegistryAccessRule>();
        int at = AclHeaderLength;
        for (int i = 0; i < aceCount; i++)
        {
            long where = daclOffset + at;
            if (acl.Length - at < AceHeaderLength)
            {
                error = $"ACE {i} at offset {where}: the ACL ends after {aclSize} bytes";
                return false;
            }

            byte type = acl[at];
            byte flags = acl[at + 1];
            int aceSize = BinaryPrimitives.ReadUInt16LittleEndian(acl[(at + 2)..]);
            if (aceSize < AceHeaderLength || aceSize > acl.Length - at)
            {
                error = $"ACE {i} AceSize {aceSize} at offset {where + 2} does not fit the ACL";
                return false;
            }

            ReadOnlySpan<byte> ace = acl.Slice(at, aceSize);
            at += aceSize;
            if (type is not (AccessAllowedAceType or AccessDeniedAceType))
            {
                continue;
            }

            // [MS-DTYP 2.4.4.2, 2.4.4.4] ACCESS_ALLOWED_ACE / ACCESS_DENIED_ACE: Header, Mask, Sid.
            if (ace.Length < AceHeaderLength + 4 + SidFixedLength)
            {
                error = $"ACE {i} at offset {where}: {ace.Length} bytes, too short for a mask and a SID";
                return false;
            }

            uint mask = BinaryPrimitives.ReadUInt32LittleEndian(ace[AceHeaderLength..]);
            if (!TryReadSid(ace[(AceHeaderLength + 4)..], out string? sid, out string sidError))
            {
                error = $"ACE {i} SID at offset {where + AceHeaderLength + 4}: {sidError}";
                return false;
            }

            if ((flags & InheritOnlyAce) == 0)
            {
                result.Add(new RegistryAccessRule(sid!, type == AccessAllowedAceType, MapGeneric(mask)));
            }
        }

        rules = result;
        return true;
    }

    /// <summary>[MS-DTYP 2.4.2.2] SID in its binary form, as its string form (S-1-5-32-544).</summary>
    public static bool TryReadSid(ReadOnlySpan<byte> bytes, out string? sid, out string error)
    {
        sid = null;
        error = string.Empty;
        if (bytes.Length < SidFixedLength)
        {
            error = $"{bytes.Length} bytes, under the {SidFixedLength} of a SID's fixed part";
            return false;
        }

        int count = bytes[1];
        if (bytes[0] != 1 || count > MaxSubAuthorities || bytes.Length < SidFixedLength + (4 * count))
        {
            error = $"Revision {bytes[0]}, SubAuthorityCount {count}: revision 1 with at most {MaxSubAuthorities} sub-authorities that fit in {bytes.Length} bytes expected";
            return false;
        }

        // [MS-DTYP 2.4.2.1] IdentifierAuthority is big-endian; under 2^32 it is written in decimal, else in hex.
        ulong authority = 0;
        for (int i = 2; i < 8; i++)
        {
            authority = (authority << 8) | bytes[i];
        }

        var text = new StringBuilder("S-1-");
        text.Append(authority < 0x1_0000_0000 ? authority.ToString(CultureInfo.InvariantCulture) : "0x" + authority.ToString("X12", CultureInfo.InvariantCulture));
        for (int i = 0; i < count; i++)
        {
            text.Append('-').Append(BinaryPrimitives.ReadUInt32LittleEndian(bytes[(SidFixedLength + (4 * i))..]).ToString(CultureInfo.InvariantCulture));
        }

        sid = text.ToString();
        return true;
    }

    private static uint MapGeneric(uint mask)
    {
        uint mapped = mask & ~(GenericRead | GenericWrite | GenericExecute | GenericAll);
        mapped |= (mask & GenericRead) != 0 ? KeyRead : 0;
        mapped |= (mask & GenericWrite) != 0 ? KeyWrite : 0;
        mapped |= (mask & GenericExecute) != 0 ? KeyRead : 0;
        mapped |= (mask & GenericAll) != 0 ? RegistryAccessRule.FullControl : 0;
        return mapped;
    }
}
