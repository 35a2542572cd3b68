namespace TsThinLic.Storage;

/// <summary>One thing <see cref="IVerifiableLicenseStore.Verify"/> found about one record or slot.</summary>
/// <param name="Record">Which record: "slot A", "HardwareID\ClientHWID", "Store\LICENSE002", a file name.</param>
/// <param name="Kind">What was found.</param>
/// <param name="Detail">Why, in words (the field and offset that failed).</param>
public sealed record StoreFinding(string Record, StoreFindingKind Kind, string Detail);
