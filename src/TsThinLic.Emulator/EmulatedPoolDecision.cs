namespace TsThinLic.Emulator;

/// <summary>
/// What the license pool answers when a device that presented a CAL passed the platform challenge: the cases of
/// [MS-RDPELE 3.2.5.5] for a license server that is reachable.
/// </summary>
internal sealed record EmulatedPoolDecision
{
    private EmulatedPoolDecision(EmulatedPoolAnswer answer, EmulatedPoolLicense? license)
    {
        Answer = answer;
        License = license;
    }

    public EmulatedPoolAnswer Answer { get; }

    /// <summary>The CAL to mint, for <see cref="EmulatedPoolAnswer.Issue"/>.</summary>
    public EmulatedPoolLicense? License { get; }

    /// <summary>Case 5: the CAL is upgraded (or renewed) and goes out in UPGRADE_LICENSE.</summary>
    public static EmulatedPoolDecision Issue(EmulatedPoolLicense license) => new(EmulatedPoolAnswer.Issue, license);

    /// <summary>Case 4: no upgrade, but the presented CAL is still valid: UPGRADE_LICENSE hands it back unchanged.</summary>
    public static EmulatedPoolDecision ReturnPresented { get; } = new(EmulatedPoolAnswer.ReturnPresented, null);

    /// <summary>Case 3, past the grace period: no upgrade and the presented CAL is not valid: ERR_INVALID_CLIENT.</summary>
    public static EmulatedPoolDecision Refuse { get; } = new(EmulatedPoolAnswer.Refuse, null);
}
