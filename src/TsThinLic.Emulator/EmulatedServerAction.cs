using TsThinLic.Pdu;

namespace TsThinLic.Emulator;

/// <summary>One licensing PDU the emulated license server sends.</summary>
public abstract record EmulatedServerAction
{
    /// <summary>SERVER_LICENSE_REQUEST with a fresh server random ([MS-RDPELE 2.2.2.1]).</summary>
    public static EmulatedServerAction LicenseRequest { get; } = new SendLicenseRequest();

    /// <summary>SERVER_PLATFORM_CHALLENGE ([MS-RDPELE 2.2.2.4]) over the keys of the client's last request.</summary>
    public static EmulatedServerAction PlatformChallenge { get; } = new SendPlatformChallenge();

    /// <summary>SERVER_NEW_LICENSE ([MS-RDPELE 2.2.2.7]).</summary>
    public static EmulatedServerAction NewLicense { get; } = new SendNewLicense(Upgrade: false);

    /// <summary>SERVER_UPGRADE_LICENSE ([MS-RDPELE 2.2.2.6]).</summary>
    public static EmulatedServerAction UpgradeLicense { get; } = new SendNewLicense(Upgrade: true);

    /// <summary>STATUS_VALID_CLIENT with ST_NO_TRANSITION ([MS-RDPBCGR 2.2.1.12.1.3]).</summary>
    public static EmulatedServerAction ValidClient { get; } = new SendErrorAlert(LicensingErrorCode.ValidClient, LicensingStateTransition.NoTransition);

    /// <summary>
    /// What the automatic mode answers at this point (a LICENSE_REQUEST at step 0; else the answer to the client's
    /// last PDU, from the license pool when there is one): lets a script interrupt a real exchange at one step.
    /// </summary>
    public static EmulatedServerAction Automatic { get; } = new AnswerAutomatically();

    /// <summary>An error alert with any code and transition.</summary>
    public static EmulatedServerAction ErrorAlert(LicensingErrorCode code, LicensingStateTransition transition) => new SendErrorAlert(code, transition);

    /// <summary>Sends a LICENSE_REQUEST.</summary>
    public sealed record SendLicenseRequest : EmulatedServerAction;

    /// <summary>Sends a PLATFORM_CHALLENGE; <paramref name="CorruptMac"/> flips a MAC bit, as a tampering path would.</summary>
    public sealed record SendPlatformChallenge(bool CorruptMac = false) : EmulatedServerAction;

    /// <summary>Sends NEW_LICENSE, or UPGRADE_LICENSE when <paramref name="Upgrade"/>.</summary>
    public sealed record SendNewLicense(bool Upgrade, bool CorruptMac = false) : EmulatedServerAction;

    /// <summary>Sends an ERROR_ALERT.</summary>
    public sealed record SendErrorAlert(LicensingErrorCode Code, LicensingStateTransition Transition) : EmulatedServerAction;

    /// <summary>Answers as the automatic mode would.</summary>
    public sealed record AnswerAutomatically : EmulatedServerAction;

    /// <summary>Sends these bytes as they are (hostile-server tests).</summary>
    public sealed record SendRaw(ReadOnlyMemory<byte> Bytes) : EmulatedServerAction;
}
