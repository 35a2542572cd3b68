namespace TsThinLic.Rdp.Nla;

/// <summary>[RFC 4178 4.2.2] A decoded NegTokenResp.</summary>
/// <param name="State">negState, when present.</param>
/// <param name="SupportedMechPresent">Whether supportedMech is present.</param>
/// <param name="SupportedMechIsNtlm">Whether supportedMech is NTLM (1.3.6.1.4.1.311.2.2.10).</param>
/// <param name="ResponseToken">responseToken, when present.</param>
/// <param name="MechListMic">mechListMIC, when present.</param>
public sealed record SpnegoNegTokenResp(SpnegoNegState? State, bool SupportedMechPresent, bool SupportedMechIsNtlm, ReadOnlyMemory<byte>? ResponseToken, ReadOnlyMemory<byte>? MechListMic);
