namespace TsThinLic.Storage.Registry;

/// <summary>One access control entry of a registry key.</summary>
/// <param name="Sid">The trustee's SID (S-1-5-18 is SYSTEM, S-1-5-32-544 the Administrators group).</param>
/// <param name="Allow">Allow (true) or deny.</param>
/// <param name="Rights">The access mask, generic rights mapped to key rights (KEY_ALL_ACCESS is 0xF003F).</param>
public sealed record RegistryAccessRule(string Sid, bool Allow, uint Rights)
{
    /// <summary>KEY_ALL_ACCESS: what "Full Control" grants.</summary>
    public const uint FullControl = 0xF003F;

    public bool IsFullControl => Allow && (Rights & FullControl) == FullControl;
}
