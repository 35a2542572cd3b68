namespace TsThinLic.Emulator;

/// <summary>The pool's answer to a device whose presented CAL needs an upgrade ([MS-RDPELE 3.2.5.5]).</summary>
internal enum EmulatedPoolAnswer
{
    /// <summary>Mint the pool's CAL and send it in UPGRADE_LICENSE.</summary>
    Issue,

    /// <summary>Send the presented CAL back unchanged in UPGRADE_LICENSE.</summary>
    ReturnPresented,

    /// <summary>Send ERR_INVALID_CLIENT with ST_TOTAL_ABORT.</summary>
    Refuse,
}
