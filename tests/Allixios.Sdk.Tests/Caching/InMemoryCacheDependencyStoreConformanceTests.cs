using Allixios.Caching;
using Allixios.Testing.Caching;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

// The embedded default's tag and dependency state against the suite the Redis store also passes.
public sealed class InMemoryCacheDependencyStoreConformanceTests : CacheDependencyStoreConformance
{
    protected override Task<ICacheDependencyStore> CreateStoreAsync() => Task.FromResult<ICacheDependencyStore>(new InMemoryCacheDependencyStore(new FakeTimeProvider()));
}

public sealed class InMemoryCacheDependencyStoreTests
{
    [Fact]
    public async Task Edges_and_tags_are_forgotten_once_their_lifetime_has_passed()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryCacheDependencyStore(time);
        await store.TrackAsync("page:1", ["home"], ["content:42"], TimeSpan.FromMinutes(1));

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(await store.IsKnownTagAsync("home"));
        Assert.Empty(await store.TakeTaggedAsync("home"));
        Assert.Empty(await store.TakeDependentsAsync("content:42"));
    }
}
