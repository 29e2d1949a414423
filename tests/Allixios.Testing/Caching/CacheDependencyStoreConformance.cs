using Allixios.Caching;
using Xunit;

namespace Allixios.Testing.Caching;

/// <summary>
/// What every <see cref="ICacheDependencyStore"/> must do, run against the in-memory store (unit tests) and the Redis
/// store (integration tests), so that the embedded default and production cannot drift apart.
/// </summary>
public abstract class CacheDependencyStoreConformance : IAsyncLifetime
{
    /// <summary>Long enough that nothing expires during a test on either store.</summary>
    protected static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private ICacheDependencyStore? _store;

    /// <summary>The store under test, fresh and empty for this test.</summary>
    protected ICacheDependencyStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync, before each test.");

    /// <summary>Creates a fresh, empty store that shares no state with another test.</summary>
    protected abstract Task<ICacheDependencyStore> CreateStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_tag_is_unknown_until_an_entry_carries_it()
    {
        Assert.False(await Store.IsKnownTagAsync("category:7"));

        await Store.TrackAsync("page:1", ["category:7"], [], Lifetime);

        Assert.True(await Store.IsKnownTagAsync("category:7"));
        Assert.False(await Store.IsKnownTagAsync("category:8"));
    }

    [Fact]
    public async Task Taking_a_tag_returns_every_key_that_carries_it_once_and_the_tag_stays_known()
    {
        await Store.TrackAsync("page:1", ["category:7", "home"], [], Lifetime);
        await Store.TrackAsync("page:2", ["category:7"], [], Lifetime);
        await Store.TrackAsync("page:3", ["home"], [], Lifetime);

        Assert.Equal(["page:1", "page:2"], (await Store.TakeTaggedAsync("category:7")).Order());
        Assert.Empty(await Store.TakeTaggedAsync("category:7"));
        Assert.True(await Store.IsKnownTagAsync("category:7"));
        Assert.Equal(["page:1", "page:3"], (await Store.TakeTaggedAsync("home")).Order());
    }

    [Fact]
    public async Task Taking_a_key_returns_its_direct_dependents_once()
    {
        await Store.TrackAsync("page:1", [], ["content:42", "category:7"], Lifetime);
        await Store.TrackAsync("feed:home", [], ["content:42"], Lifetime);
        await Store.TrackAsync("sitemap", [], ["page:1"], Lifetime);

        Assert.Equal(["feed:home", "page:1"], (await Store.TakeDependentsAsync("content:42")).Order());
        Assert.Empty(await Store.TakeDependentsAsync("content:42"));
        Assert.Equal(["page:1"], await Store.TakeDependentsAsync("category:7"));
        Assert.Equal(["sitemap"], await Store.TakeDependentsAsync("page:1"));
    }

    [Fact]
    public async Task Tracking_the_same_edge_twice_keeps_one()
    {
        await Store.TrackAsync("page:1", ["home"], ["content:42"], Lifetime);
        await Store.TrackAsync("page:1", ["home"], ["content:42"], Lifetime);

        Assert.Equal(["page:1"], await Store.TakeTaggedAsync("home"));
        Assert.Equal(["page:1"], await Store.TakeDependentsAsync("content:42"));
    }

    [Fact]
    public async Task Tags_and_keys_of_the_same_name_are_kept_apart()
    {
        await Store.TrackAsync("page:1", ["shared-name"], [], Lifetime);
        await Store.TrackAsync("page:2", [], ["shared-name"], Lifetime);

        Assert.Equal(["page:1"], await Store.TakeTaggedAsync("shared-name"));
        Assert.Equal(["page:2"], await Store.TakeDependentsAsync("shared-name"));
    }

    [Fact]
    public async Task Nothing_is_returned_for_names_never_tracked()
    {
        Assert.Empty(await Store.TakeTaggedAsync("never"));
        Assert.Empty(await Store.TakeDependentsAsync("never"));
    }
}
