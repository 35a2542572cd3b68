using TsThinLic.Host;
using TsThinLic.Storage;
using TsThinLic.Storage.Files;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>A store error says what failed, why (the system's words) and what to do, by the errno behind it.</summary>
public sealed class StoreErrorTextTests
{
    // Linux errno values, as the suite runs on Linux (CI).
    [Theory]
    [InlineData(28, "No space left on device", "free space on that file system")]
    [InlineData(30, "Read-only file system", "the file system is read-only")]
    [InlineData(13, "Permission denied", "run it as the account the licensing client runs as")]
    [InlineData(21, "Is a directory", "give --store the path of a store file")]
    [InlineData(5, "Input/output error", "tsthinlic doctor --store file:/s/licenses.store says what is wrong")]
    public void TheFixFollowsTheSystemsWords(int errno, string words, string fix)
    {
        var fault = new FileFaultException("rename", "/s/licenses.store.tmp", words, errno);
        var exception = new LicenseStoreException($"the store's commit failed: {fault.Message}", fault);

        string text = StoreErrorText.CannotOpen("file", "/s/licenses.store", exception.Message, exception);

        Assert.StartsWith("cannot open the store file:/s/licenses.store: the store's commit failed: cannot rename /s/licenses.store.tmp: " + words + "; ", text, StringComparison.Ordinal);
        Assert.Contains(fix, text, StringComparison.Ordinal);
    }
}
