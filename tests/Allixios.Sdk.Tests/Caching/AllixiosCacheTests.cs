using Allixios.Caching;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class AllixiosCacheTests
{
    private static readonly AllixiosCacheEntryOptions TenSeconds = new() { Expiration = TimeSpan.FromSeconds(10), MaxStaleness = TimeSpan.FromMinutes(1) };

    [Fact]
    public async Task A_second_call_is_served_from_memory_without_running_the_factory()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();

        var first = await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync);
        var second = await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync);

        Assert.Equal("value-1", first);
        Assert.Equal("value-1", second);
        Assert.Equal(1, factory.Runs);
        var stats = test.Cache.GetStats();
        Assert.Equal(1, stats.L1Hits);
        Assert.Equal(1, stats.L1Misses);
        Assert.Equal(1, stats.FactoryRuns);
    }

    [Fact]
    public async Task An_entry_is_made_again_once_its_expiration_has_passed()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, TenSeconds);

        test.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal("value-1", await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, TenSeconds));

        test.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("value-2", await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, TenSeconds));
        Assert.Equal(2, factory.Runs);
    }

    [Fact]
    public async Task A_shorter_local_expiration_ends_the_memory_copy_before_the_entry_expires()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        var options = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10), LocalExpiration = TimeSpan.FromSeconds(30) };
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options);

        test.Time.Advance(TimeSpan.FromSeconds(31));

        // Without Redis there is no other level to ask, so the factory makes it again.
        Assert.Equal("value-2", await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options));
    }

    [Fact]
    public async Task Set_replaces_the_value_and_TryGet_finds_only_fresh_values()
    {
        await using var test = new TestCache();

        Assert.False((await test.Cache.TryGetAsync<string>("content:42")).Found);
        await test.Cache.SetAsync("content:42", "draft", TenSeconds);
        Assert.Equal(new CacheLookup<string>(true, "draft"), await test.Cache.TryGetAsync<string>("content:42"));

        await test.Cache.SetAsync("content:42", "published", TenSeconds);
        Assert.Equal("published", (await test.Cache.TryGetAsync<string>("content:42")).Value);

        test.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.False((await test.Cache.TryGetAsync<string>("content:42")).Found);
    }

    [Fact]
    public async Task Remove_drops_the_key_but_not_the_entries_that_depend_on_it()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        await test.Cache.SetAsync("content:42", "body");
        await test.Cache.GetOrCreateAsync("page:42", factory.RunAsync, new AllixiosCacheEntryOptions { DependsOn = ["content:42"] });

        await test.Cache.RemoveAsync("content:42");

        Assert.False((await test.Cache.TryGetAsync<string>("content:42")).Found);
        Assert.True((await test.Cache.TryGetAsync<string>("page:42")).Found);
    }

    [Fact]
    public async Task Values_of_any_serializable_type_round_trip()
    {
        await using var test = new TestCache();
        var article = new Article("Hello", ["a", "b"]);

        await test.Cache.SetAsync("article:1", article);
        var found = await test.Cache.TryGetAsync<Article>("article:1");

        Assert.True(found.Found);
        Assert.Equal("Hello", found.Value!.Title);
        Assert.Equal(["a", "b"], found.Value.Keywords);
    }

    public sealed record Article(string Title, IReadOnlyList<string> Keywords);
}
