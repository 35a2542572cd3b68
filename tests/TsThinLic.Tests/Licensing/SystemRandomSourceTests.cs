using TsThinLic.Crypto;
using Xunit;

namespace TsThinLic.Tests.Licensing;

public sealed class SystemRandomSourceTests
{
    [Fact]
    public void FillsWhatItIsAskedWithFreshBytes()
    {
        byte[] first = new byte[48];
        byte[] second = new byte[48];

        SystemRandomSource.Instance.GetBytes(first);
        SystemRandomSource.Instance.GetBytes(second);
        SystemRandomSource.Instance.GetBytes([]);

        Assert.NotEqual(first, second);
        Assert.Contains(first, b => b != 0);
    }

    [Fact]
    public async Task IsSafeFromManyThreads()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                byte[] bytes = new byte[16];
                SystemRandomSource.Instance.GetBytes(bytes);
                seen.Add(Convert.ToHexString(bytes));
            }
        })));

        Assert.Equal(800, seen.Distinct().Count());
    }
}
