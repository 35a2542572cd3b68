namespace TsThinLic.Crypto;

/// <summary>
/// Where the client's random bytes come from (client random, premaster secret, a new HWID). Injected so that a
/// captured exchange replays byte for byte when its randoms are fed back.
/// </summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void GetBytes(Span<byte> destination);
}
