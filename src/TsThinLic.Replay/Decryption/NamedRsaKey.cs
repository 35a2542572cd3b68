using TsThinLic.Rdp.Security;

namespace TsThinLic.Replay.Decryption;

/// <summary>An RSA private key given for decryption, with the name notes call it by (its file name).</summary>
internal sealed record NamedRsaKey(string Name, RsaPrivateKey Key);
