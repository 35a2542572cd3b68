using TsThinLic.Pdu;

namespace TsThinLic.Licensing;

/// <summary>
/// Who the client says it is in the licensing exchange ([MS-RDPELE 2.2.2.2], 2.2.2.3): its HWID (whose PlatformId is
/// also announced in the clear) and the user and machine names of NEW_LICENSE_REQUEST.
/// </summary>
public sealed class ClientIdentity
{
    /// <summary>
    /// The longest user or machine name the client sends. Windows sends at most the NetBIOS/SAM lengths; anything
    /// longer is truncated so the request stays small whatever the caller passes.
    /// </summary>
    public const int MaxNameLength = 255;

    public ClientIdentity(ClientHardwareId hardwareId, string userName, string machineName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(machineName);
        // [MS-RDPELE 2.2.2.2]: both names are NUL-terminated on the wire; one with a NUL inside cannot be sent, so it is
        // refused here, not half-way through an exchange.
        if (userName.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A user name cannot contain NUL: it ends a licensing string on the wire.", nameof(userName));
        }

        if (machineName.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A machine name cannot contain NUL: it ends a licensing string on the wire.", nameof(machineName));
        }

        HardwareId = hardwareId;
        UserName = userName.Length > MaxNameLength ? userName[..MaxNameLength] : userName;
        MachineName = machineName.Length > MaxNameLength ? machineName[..MaxNameLength] : machineName;
    }

    /// <summary>The client HWID (PlatformId + Data1..Data4), sent only encrypted.</summary>
    public ClientHardwareId HardwareId { get; }

    /// <summary>ClientUserName of NEW_LICENSE_REQUEST.</summary>
    public string UserName { get; }

    /// <summary>ClientMachineName of NEW_LICENSE_REQUEST.</summary>
    public string MachineName { get; }

    /// <summary>PlatformId announced in the clear: the HWID's own.</summary>
    public uint PlatformId => HardwareId.PlatformId;
}
