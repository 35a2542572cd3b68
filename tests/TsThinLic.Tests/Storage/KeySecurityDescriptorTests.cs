using TsThinLic.Storage.Registry;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary>
/// The DACL reader of <see cref="WindowsRegistry.GetAccessRules"/>, on the bytes Wine 8.0's RegGetKeySecurity returned
/// for HKLM\SOFTWARE\Microsoft\MSLicensing (DACL_SECURITY_INFORMATION, printed by tests/TsThinLic.RegistryAcl
/// <c>descriptor</c> under .ci/wine-registry.sh), and on hostile bytes.
/// </summary>
public sealed class KeySecurityDescriptorTests
{
    // Wine's default for a key it created (server/registry.c, key_get_sd): "D:(A;CIIO;GR;;;BU)(A;;KA;;;BA)".
    private const string WineDefault =
        "01" + "00" + "0480" /* Revision 1, Sbz1, Control SE_SELF_RELATIVE | SE_DACL_PRESENT */
        + "00000000" + "00000000" + "00000000" /* OffsetOwner, OffsetGroup, OffsetSacl: not asked for */
        + "14000000" /* OffsetDacl 20 */
        + "02" + "00" + "3800" + "0200" + "0000" /* ACL: AclRevision 2, Sbz1, AclSize 56, AceCount 2, Sbz2 */
        + "00" + "0a" + "1800" /* ACE 0: ACCESS_ALLOWED_ACE_TYPE, CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE, AceSize 24 */
        + "00000080" /* Mask GENERIC_READ */
        + "01" + "02" + "000000000005" + "20000000" + "21020000" /* SID S-1-5-32-545 (BUILTIN\Users) */
        + "00" + "00" + "1800" /* ACE 1: ACCESS_ALLOWED_ACE_TYPE, no flags, AceSize 24 */
        + "3f000f00" /* Mask KEY_ALL_ACCESS */
        + "01" + "02" + "000000000005" + "20000000" + "20020000"; /* SID S-1-5-32-544 (BUILTIN\Administrators) */

    // After "TsThinLic.RegistryAcl windows" and "deny" on HardwareID: "D:(D;;KA;;;WD)(A;CI;KA;;;SY)(A;CI;KA;;;BA)(A;CI;KR;;;BU)".
    private const string WineDenied =
        "01" + "00" + "0480" + "00000000" + "00000000" + "00000000" + "14000000" /* header, OffsetDacl 20 */
        + "02" + "00" + "6000" + "0400" + "0000" /* ACL: revision 2, AclSize 96, AceCount 4 */
        + "01" + "00" + "1400" + "3f000f00" /* ACE 0: ACCESS_DENIED_ACE_TYPE, AceSize 20, KEY_ALL_ACCESS */
        + "01" + "01" + "000000000001" + "00000000" /* SID S-1-1-0 (Everyone) */
        + "00" + "02" + "1400" + "3f000f00" /* ACE 1: allowed, CONTAINER_INHERIT_ACE, KEY_ALL_ACCESS */
        + "01" + "01" + "000000000005" + "12000000" /* SID S-1-5-18 (SYSTEM) */
        + "00" + "02" + "1800" + "3f000f00" /* ACE 2: allowed, CONTAINER_INHERIT_ACE, KEY_ALL_ACCESS */
        + "01" + "02" + "000000000005" + "20000000" + "20020000" /* SID S-1-5-32-544 */
        + "00" + "02" + "1800" + "19000200" /* ACE 3: allowed, CONTAINER_INHERIT_ACE, KEY_READ */
        + "01" + "02" + "000000000005" + "20000000" + "21020000"; /* SID S-1-5-32-545 */

    private static IReadOnlyList<RegistryAccessRule> Read(string hex)
    {
        Assert.True(KeySecurityDescriptor.TryReadDiscretionaryAcl(Convert.FromHexString(hex), out IReadOnlyList<RegistryAccessRule> rules, out string error), error);
        return rules;
    }

    [Fact]
    public void ReadsWinesDefaultKeyDescriptorLeavingOutTheInheritOnlyAce()
    {
        Assert.Equal([new RegistryAccessRule("S-1-5-32-544", true, 0xF003F)], Read(WineDefault));
    }

    [Fact]
    public void ReadsADenyAceForEveryoneBeforeTheAllowedOnes()
    {
        Assert.Equal(
            [
                new RegistryAccessRule("S-1-1-0", false, 0xF003F),
                new RegistryAccessRule("S-1-5-18", true, 0xF003F),
                new RegistryAccessRule("S-1-5-32-544", true, 0xF003F),
                new RegistryAccessRule("S-1-5-32-545", true, 0x20019),
            ],
            Read(WineDenied));
    }

    [Fact]
    public void MapsGenericRightsToKeyRights()
    {
        // ACE 1 of the default with GENERIC_ALL | GENERIC_READ instead of KEY_ALL_ACCESS.
        string generic = WineDefault.Replace("3f000f00", "00000090", StringComparison.Ordinal);

        Assert.Equal([new RegistryAccessRule("S-1-5-32-544", true, 0xF003F)], Read(generic));
        Assert.True(Read(generic)[0].IsFullControl);
    }

    [Fact]
    public void NoDaclGrantsEveryoneFullControl()
    {
        // Control SE_SELF_RELATIVE only: no DACL at all.
        Assert.Equal([new RegistryAccessRule("S-1-1-0", true, 0xF003F)], Read("01000080" + "00000000" + "00000000" + "00000000" + "00000000"));
    }

    [Fact]
    public void AnEmptyDaclGrantsNothing()
    {
        Assert.Empty(Read("01000480" + "00000000" + "00000000" + "00000000" + "14000000" + "02000800" + "0000" + "0000"));
    }

    [Theory]
    [InlineData("0101000000000005" + "12000000", "S-1-5-18")]
    [InlineData("0100000000000005", "S-1-5")]
    [InlineData("0101010203040506" + "07000000", "S-1-0x010203040506-7")]
    public void WritesSidsInTheirStringForm(string hex, string expected)
    {
        Assert.True(KeySecurityDescriptor.TryReadSid(Convert.FromHexString(hex), out string? sid, out string error), error);
        Assert.Equal(expected, sid);
    }

    [Theory]
    [InlineData("02" + "00" + "0480" + "00000000" + "00000000" + "00000000" + "14000000", "Revision 2 at offset 0")]
    [InlineData("01" + "00" + "0480" + "00000000" + "00000000" + "00000000" + "ff000000", "OffsetDacl 255 at offset 16")]
    [InlineData("01" + "00" + "0480" + "00000000" + "00000000" + "00000000" + "14000000" + "0200ff000100" + "0000", "AclSize 255 at offset 22")]
    [InlineData("01" + "00" + "0480" + "00000000" + "00000000" + "00000000" + "14000000" + "020010000100" + "0000" + "00000800" + "3f000f00", "ACE 0 at offset 28")]
    [InlineData("01" + "00" + "0480" + "00000000" + "00000000" + "00000000" + "14000000" + "020014000100" + "0000" + "0000ff00" + "3f000f00" + "0000000000000000", "ACE 0 AceSize 255 at offset 30")]
    public void NamesTheFieldAndOffsetOfMalformedBytes(string hex, string expected)
    {
        Assert.False(KeySecurityDescriptor.TryReadDiscretionaryAcl(Convert.FromHexString(hex), out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesASidWithMoreThanFifteenSubAuthorities()
    {
        byte[] sid = Convert.FromHexString("0110000000000005" + string.Concat(Enumerable.Repeat("01000000", 16)));

        Assert.False(KeySecurityDescriptor.TryReadSid(sid, out _, out string error));
        Assert.Contains("SubAuthorityCount 16", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesADescriptorOverItsLimitBeforeReadingIt()
    {
        Assert.False(KeySecurityDescriptor.TryReadDiscretionaryAcl(new byte[KeySecurityDescriptor.MaxLength + 1], out _, out string error));
        Assert.Contains("bytes", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WineDefault)]
    [InlineData(WineDenied)]
    public void EveryTruncationAndBitFlipEndsWithoutThrowing(string hex)
    {
        byte[] descriptor = Convert.FromHexString(hex);
        for (int length = 0; length < descriptor.Length; length++)
        {
            // Every ACE ends the buffer somewhere, so a cut descriptor is either refused or reads fewer ACEs.
            _ = KeySecurityDescriptor.TryReadDiscretionaryAcl(descriptor.AsSpan(0, length), out _, out _);
        }

        for (int bit = 0; bit < descriptor.Length * 8; bit++)
        {
            byte[] flipped = (byte[])descriptor.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            if (KeySecurityDescriptor.TryReadDiscretionaryAcl(flipped, out IReadOnlyList<RegistryAccessRule> rules, out string error))
            {
                Assert.All(rules, r => Assert.StartsWith("S-1-", r.Sid, StringComparison.Ordinal));
            }
            else
            {
                Assert.NotEmpty(error);
            }
        }
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] junk = new byte[random.Next(0, 200)];
            random.NextBytes(junk);
            if (junk.Length >= KeySecurityDescriptor.HeaderLength && random.Next(2) == 0)
            {
                // A plausible header, so the ACL and ACE paths are reached too.
                junk[0] = 1;
                junk[2] = 0x04;
                junk[16] = 20;
                junk[17] = junk[18] = junk[19] = 0;
            }

            _ = KeySecurityDescriptor.TryReadDiscretionaryAcl(junk, out _, out _);
        }
    }
}
