using TsThinLic.Crypto;
using TsThinLic.Rdp.Security;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Emulator.Serving;

/// <summary>The emulator's 2048-bit key as the TLS server's certificate key (a fixed test key: it protects nothing).</summary>
internal sealed class ServeTlsKey(RsaPrivateKey key) : ITlsServerKey
{
    public RsaPublicKey PublicKey => key.PublicKey;

    public bool TryPrivateOperation(ReadOnlySpan<byte> input, Span<byte> output) => key.TryPrivateOperationBigEndian(input, output);
}
