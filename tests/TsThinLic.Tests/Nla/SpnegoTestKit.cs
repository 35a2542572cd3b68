namespace TsThinLic.Tests.Nla;

/// <summary>Reads what a SPNEGO NegTokenInit carries, for the tests' servers (the product only writes NegTokenInit).</summary>
internal static class SpnegoTestKit
{
    /// <summary>The optimistic mechToken of an InitialContextToken: the NTLM message at its end.</summary>
    public static byte[] MechTokenOfInit(byte[] token)
    {
        int at = token.AsSpan().IndexOf("NTLMSSP\0"u8);
        if (at < 0)
        {
            throw new InvalidOperationException("no NTLM mechToken in the NegTokenInit");
        }

        return token[at..];
    }
}
