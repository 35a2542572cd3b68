using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace TsThinLic.Crypto;

/// <summary>
/// [MS-RDPELE 5.1.5] RC4 with the licensing encryption key. Every licensing message is encrypted on its own from a
/// freshly keyed state, so each call starts over.
/// </summary>
public static class Rc4
{
    /// <summary>RC4-transforms <paramref name="input"/> into <paramref name="output"/> (same length; may be the same buffer).</summary>
    /// <exception cref="ArgumentException">The key is empty or longer than 256 bytes, or the output is not as long as the input.</exception>
    public static void Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (key.IsEmpty || key.Length > 256)
        {
            throw new ArgumentException("An RC4 key is 1 to 256 bytes.", nameof(key));
        }

        if (output.Length != input.Length)
        {
            throw new ArgumentException("The output must be as long as the input.", nameof(output));
        }

        if (input.IsEmpty)
        {
            return;
        }

        var engine = new RC4Engine();
        engine.Init(forEncryption: true, new KeyParameter(key));
        engine.ProcessBytes(input, output);
    }
}
