using TsThinLic.Crypto;

namespace TsThinLic.Rdp.Connection;

/// <summary>Passes randomness through and keeps a copy of every request, in order, for <c>--record-secrets</c>.</summary>
public sealed class RecordingRandomSource(IRandomSource inner) : IRandomSource
{
    private readonly List<byte[]> _requests = [];

    /// <summary>Every block handed out, in order (connection client random, licensing client random, premaster secret).</summary>
    public IReadOnlyList<byte[]> Requests => _requests;

    public void GetBytes(Span<byte> destination)
    {
        inner.GetBytes(destination);
        _requests.Add(destination.ToArray());
    }
}
