namespace TsThinLic.Rdp.Ntlm;

/// <summary>[MS-NLMP 2.2.2.1] AV_PAIR: AvId, AvLen, Value.</summary>
/// <param name="Id">AvId.</param>
/// <param name="Value">Value (AvLen bytes).</param>
public readonly record struct NtlmAvPair(NtlmAvId Id, ReadOnlyMemory<byte> Value)
{
    public const int HeaderLength = 2 /* AvId */ + 2 /* AvLen */;
}
