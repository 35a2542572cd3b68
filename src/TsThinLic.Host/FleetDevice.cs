namespace TsThinLic.Host;

/// <summary>One device as its <c>doctor --json</c> report describes it (the report's <c>device</c> object and verdicts).</summary>
/// <param name="File">The report's file.</param>
/// <param name="Name">device.name.</param>
/// <param name="Time">device.time: when doctor ran.</param>
/// <param name="StoreReadable">device.storeReadable, and no store-access or corrupt-records problem.</param>
/// <param name="HwidFingerprint">device.hwidFingerprint; empty when the store has no HWID.</param>
/// <param name="HwidHash">device.hwidHash (SHA-256 of the HWID): equal on clones.</param>
/// <param name="Problems">How many checks found a problem.</param>
/// <param name="Cals">device.cals.</param>
internal sealed record FleetDevice(string File, string Name, DateTimeOffset Time, bool StoreReadable, string HwidFingerprint, string HwidHash, int Problems, IReadOnlyList<FleetCal> Cals);
