using TsThinLic.Crypto;

namespace TsThinLic.Replay;

/// <summary>
/// The replayed client's randomness: the exchange's client randoms (32-byte requests) and premaster secrets
/// (48-byte requests) in order, then a fixed filler. A fixed premaster keeps a field-by-field replay deterministic;
/// it is below any RSA modulus (its top byte is small) so encryption never fails on it.
/// </summary>
internal sealed class ReplayRandomSource(ReplaySecrets secrets) : IRandomSource
{
    private const int ClientRandomLength = 32;
    private const int PreMasterSecretLength = 48;
    private int _clientRandoms;
    private int _preMasterSecrets;

    public void GetBytes(Span<byte> destination)
    {
        if (destination.Length == ClientRandomLength && _clientRandoms < secrets.ClientRandoms.Count)
        {
            secrets.ClientRandoms[_clientRandoms++].Span.CopyTo(destination);
            return;
        }

        if (destination.Length == PreMasterSecretLength && _preMasterSecrets < secrets.PreMasterSecrets.Count)
        {
            secrets.PreMasterSecrets[_preMasterSecrets++].Span.CopyTo(destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(0x11 + i);
        }
    }
}
