using System.Security.Cryptography;

namespace TsThinLic.Licensing;

/// <summary>
/// The operating system's CSPRNG. On Linux, RandomNumberGenerator reads the kernel's generator through the runtime's
/// own native shim, not OpenSSL, so the device still needs no OpenSSL.
/// </summary>
public sealed class SystemRandomSource : IRandomSource
{
    public static SystemRandomSource Instance { get; } = new();

    private SystemRandomSource()
    {
    }

    public void GetBytes(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
