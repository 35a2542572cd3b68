using System.Security.Cryptography;

namespace TsThinLic.Crypto;

/// <summary>
/// The operating system's CSPRNG without OpenSSL: on Linux the kernel's generator read from /dev/urandom (the runtime's
/// RandomNumberGenerator loads libssl there, which thin clients do not have); on Windows BCrypt through
/// RandomNumberGenerator.
/// </summary>
public sealed class SystemRandomSource : IRandomSource, IDisposable
{
    private readonly Lock _lock = new();
    private FileStream? _urandom;

    public static SystemRandomSource Instance { get; } = new();

    private SystemRandomSource()
    {
    }

    public void GetBytes(Span<byte> destination)
    {
        if (OperatingSystem.IsWindows())
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        lock (_lock)
        {
            _urandom ??= new FileStream("/dev/urandom", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            _urandom.ReadExactly(destination);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _urandom?.Dispose();
            _urandom = null;
        }
    }
}
