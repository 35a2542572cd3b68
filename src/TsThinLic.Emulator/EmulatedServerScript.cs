using TsThinLic.Pdu;

namespace TsThinLic.Emulator;

/// <summary>
/// What the emulated license server sends, step by step: step 0 when the exchange starts, step i after the client's
/// i-th licensing PDU. A step may send several PDUs (an ST_RESET_PHASE_TO_START alert and the new LICENSE_REQUEST).
/// A null script means <see cref="Automatic"/>: the server answers like a real one.
/// </summary>
public sealed class EmulatedServerScript
{
    public EmulatedServerScript(IReadOnlyList<IReadOnlyList<EmulatedServerAction>> steps, bool continueAutomatically = false)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Steps = steps.Select(step => (IReadOnlyList<EmulatedServerAction>)step.ToArray()).ToArray();
        ContinueAutomatically = continueAutomatically;
    }

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<IReadOnlyList<EmulatedServerAction>> Steps { get; }

    /// <summary>
    /// Whether client PDUs after the last step are answered as the automatic mode would (the exchange ends when that
    /// answer ends it); otherwise the server has nothing more to send after the last step.
    /// </summary>
    public bool ContinueAutomatically { get; }

    /// <summary>Whether the script issues licenses itself (NEW_LICENSE or UPGRADE_LICENSE actions), bypassing a license pool.</summary>
    public bool IssuesLicenses => Steps.Any(step => step.Any(action => action is EmulatedServerAction.SendNewLicense));

    /// <summary>
    /// Answers like a Windows license server: NEW_LICENSE_REQUEST → challenge → NEW_LICENSE; LICENSE_INFO for a CAL
    /// it knows → STATUS_VALID_CLIENT (or, with <see cref="EmulatedLicenseServerOptions.UpgradePresentedLicenses"/>,
    /// challenge → UPGRADE_LICENSE); with <see cref="EmulatedLicenseServerOptions.LicensePool"/>, as a per-device
    /// license server with that pool of CALs.
    /// </summary>
    public static EmulatedServerScript? Automatic => null;

    /// <summary>A new license through the platform challenge ([MS-RDPELE 1.3.3], figure 1).</summary>
    public static EmulatedServerScript NewLicense { get; } = new([
        [EmulatedServerAction.LicenseRequest],
        [EmulatedServerAction.PlatformChallenge],
        [EmulatedServerAction.NewLicense]]);

    /// <summary>The client presents a CAL and the server accepts it.</summary>
    public static EmulatedServerScript ValidClient { get; } = new([
        [EmulatedServerAction.LicenseRequest],
        [EmulatedServerAction.ValidClient]]);

    /// <summary>The client presents a CAL; the server challenges it and upgrades (renews) it.</summary>
    public static EmulatedServerScript Upgrade { get; } = new([
        [EmulatedServerAction.LicenseRequest],
        [EmulatedServerAction.PlatformChallenge],
        [EmulatedServerAction.UpgradeLicense]]);

    /// <summary>Builds a script from steps.</summary>
    public static EmulatedServerScript Of(params IReadOnlyList<EmulatedServerAction>[] steps) => new(steps);

    /// <summary>
    /// An error alert in place of the server's PDU at <paramref name="step"/> (1: instead of the challenge, 2: instead
    /// of the license), then what a server does next for that transition: a new LICENSE_REQUEST after
    /// ST_RESET_PHASE_TO_START, the expected PDU after ST_RESEND_LAST_MESSAGE (in answer to the resent message) or
    /// after ST_NO_TRANSITION (at once), and nothing after ST_TOTAL_ABORT.
    /// </summary>
    public static EmulatedServerScript ErrorAt(int step, LicensingErrorCode code, LicensingStateTransition transition)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(step, 2);
        var normal = NewLicense.Steps;
        var steps = new List<IReadOnlyList<EmulatedServerAction>>();
        for (int i = 0; i < step; i++)
        {
            steps.Add(normal[i]);
        }

        EmulatedServerAction alert = EmulatedServerAction.ErrorAlert(code, transition);
        switch (transition)
        {
            case LicensingStateTransition.ResetPhaseToStart:
                steps.Add([alert, EmulatedServerAction.LicenseRequest]);
                steps.Add(normal[1]);
                steps.Add(normal[2]);
                break;
            case LicensingStateTransition.ResendLastMessage:
                steps.Add([alert]);
                for (int i = Math.Max(step, 1); i < normal.Count; i++)
                {
                    steps.Add(normal[i]);
                }

                break;
            case LicensingStateTransition.NoTransition:
                steps.Add([alert, .. normal[step]]);
                for (int i = step + 1; i < normal.Count; i++)
                {
                    steps.Add(normal[i]);
                }

                break;
            default:
                steps.Add([alert]);
                break;
        }

        return new EmulatedServerScript(steps);
    }

    /// <summary>
    /// A real exchange (automatic answers, the license pool's when there is one) interrupted by an error alert in place
    /// of the server's PDU at <paramref name="step"/> (0: instead of LICENSE_REQUEST, 1: instead of the answer to the
    /// client's first PDU, 2: instead of the answer to its second), followed by what a server does for that transition,
    /// as in <see cref="ErrorAt"/>; after that the exchange goes on automatically.
    /// </summary>
    public static EmulatedServerScript InterruptAt(int step, LicensingErrorCode code, LicensingStateTransition transition)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(step, 2);
        var steps = new List<IReadOnlyList<EmulatedServerAction>>();
        for (int i = 0; i < step; i++)
        {
            steps.Add([EmulatedServerAction.Automatic]);
        }

        EmulatedServerAction alert = EmulatedServerAction.ErrorAlert(code, transition);
        steps.Add(transition switch
        {
            LicensingStateTransition.ResetPhaseToStart => [alert, EmulatedServerAction.LicenseRequest],
            LicensingStateTransition.NoTransition => [alert, EmulatedServerAction.Automatic],
            _ => [alert],
        });
        return new EmulatedServerScript(steps, continueAutomatically: transition != LicensingStateTransition.TotalAbort);
    }
}
