using TsThinLic.Storage.Registry;
using Xunit;

namespace TsThinLic.Tests.Storage;

/// <summary>The registry's refusals: the key, the operation, the OS's words and the Win32 code, never a resource key.</summary>
public sealed class RegistryExceptionTests
{
    [Fact]
    public void NamesTheKeyTheValueAndTheWin32Error()
    {
        RegistryException exception = RegistryException.FromWin32(5, "reading", @"SOFTWARE\Microsoft\MSLicensing\HardwareID", "ClientHWID");

        Assert.StartsWith(@"reading HKLM\SOFTWARE\Microsoft\MSLicensing\HardwareID value ""ClientHWID"": ", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith("(Win32 error 5)", exception.Message, StringComparison.Ordinal);
        Assert.Equal(@"SOFTWARE\Microsoft\MSLicensing\HardwareID", exception.KeyPath);
        Assert.Equal(5, exception.Win32Error);
        Assert.True(exception.IsAccessDenied);
        Assert.Equal(unchecked((int)0x80070005), exception.HResult);
        Assert.IsAssignableFrom<IOException>(exception);
    }

    [Fact]
    public void TheOsWordsComeFromTheSystemNotFromResources()
    {
        // On Windows FormatMessage's "Access is denied.", under Wine "Access denied.", on Linux strerror's text: never
        // empty and never a .NET resource key such as UnauthorizedAccess_RegistryKeyGeneric_Key.
        string message = RegistryException.FromWin32(5, "opening", @"SOFTWARE\Microsoft\MSLicensing").Message;
        string words = message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..message.LastIndexOf(" (Win32", StringComparison.Ordinal)];

        Assert.NotEmpty(words.Trim());
        Assert.DoesNotContain('_', words);
    }

    [Fact]
    public void ARefusalOfOursCarriesNoWin32Code()
    {
        var exception = new RegistryException(@"reading HKLM\X value ""V"": 2000000 bytes, over the 1048576 read", "X", null);

        Assert.Null(exception.Win32Error);
        Assert.False(exception.IsAccessDenied);
    }
}
