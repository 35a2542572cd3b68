namespace TsThinLic.Replay;

/// <summary>One field of a client licensing PDU on the wire: its spec name, where it is, and whether it depends on secrets.</summary>
/// <param name="Name">The spec's field name, qualified by its structure (<c>ClientUserName.wBlobLen</c>).</param>
/// <param name="Offset">Its offset in the PDU bytes (security header included when present).</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="DependsOnSecrets">Whether its value follows from the premaster secret or the HWID (ciphertext, MACs).</param>
public readonly record struct WireField(string Name, int Offset, int Length, bool DependsOnSecrets);
