using Allixios.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

/// <summary>The embedded cache as <c>AddAllixios().AddCaching()</c> builds it, on a fake clock the test moves.</summary>
internal sealed class TestCache : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public TestCache(Action<AllixiosCacheOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddAllixios().AddCaching(configure);
        _provider = services.BuildServiceProvider();
        Cache = _provider.GetRequiredService<IAllixiosCache>();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public IAllixiosCache Cache { get; }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after a generous real-time bound.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting until " + what);
            await Task.Delay(5);
        }
    }
}
