namespace TsThinLic.Diagnostics;

/// <summary>An event the RD Session Host (terminal server) logs about a client's license, as its documentation names it.</summary>
/// <param name="Id">The event ID.</param>
/// <param name="Source">The event source (TermService before Windows Server 2008, then TerminalServices-RemoteConnectionManager).</param>
/// <param name="SymbolicName">The symbolic name where Microsoft documents one; empty where only the message is known.</param>
/// <param name="Meaning">What it says, in our words.</param>
/// <param name="Reference">Where that is documented.</param>
public sealed record ServerEvent(int Id, string Source, string SymbolicName, string Meaning, string Reference);
