using Allixios.Caching;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class DependencyInvalidationTests
{
    [Fact]
    public async Task Invalidating_a_key_cascades_through_three_levels_of_dependents()
    {
        await using var test = new TestCache();
        await test.Cache.SetAsync("content:42", "body");
        await test.Cache.SetAsync("page:42", "<p>body</p>", DependsOn("content:42"));
        await test.Cache.SetAsync("section:news", "[page:42]", DependsOn("page:42"));
        await test.Cache.SetAsync("home", "[section:news]", DependsOn("section:news"));
        await test.Cache.SetAsync("unrelated", "x");

        var invalidated = await test.Cache.InvalidateKeyAsync("content:42");

        Assert.Equal(4, invalidated);
        foreach (var key in new[] { "content:42", "page:42", "section:news", "home" })
        {
            Assert.False((await test.Cache.TryGetAsync<string>(key)).Found, key + " should be gone");
        }

        Assert.True((await test.Cache.TryGetAsync<string>("unrelated")).Found);
    }

    [Fact]
    public async Task A_dependency_cycle_ends_and_invalidates_each_member_once()
    {
        await using var test = new TestCache();
        await test.Cache.SetAsync("a", "1", DependsOn("c"));
        await test.Cache.SetAsync("b", "2", DependsOn("a"));
        await test.Cache.SetAsync("c", "3", DependsOn("b"));

        var invalidated = await test.Cache.InvalidateKeyAsync("a").AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, invalidated);
        Assert.False((await test.Cache.TryGetAsync<string>("b")).Found);
        Assert.False((await test.Cache.TryGetAsync<string>("c")).Found);
    }

    [Fact]
    public async Task Invalidating_a_tag_removes_its_entries_and_what_depends_on_them()
    {
        await using var test = new TestCache();
        await test.Cache.SetAsync("page:1", "one", new AllixiosCacheEntryOptions { Tags = ["category:7"] });
        await test.Cache.SetAsync("page:2", "two", new AllixiosCacheEntryOptions { Tags = ["category:7", "home"] });
        await test.Cache.SetAsync("page:3", "three", new AllixiosCacheEntryOptions { Tags = ["home"] });
        await test.Cache.SetAsync("sitemap", "[page:1]", DependsOn("page:1"));

        var invalidated = await test.Cache.InvalidateTagAsync("category:7");

        Assert.Equal(3, invalidated);
        Assert.False((await test.Cache.TryGetAsync<string>("page:1")).Found);
        Assert.False((await test.Cache.TryGetAsync<string>("page:2")).Found);
        Assert.False((await test.Cache.TryGetAsync<string>("sitemap")).Found);
        Assert.True((await test.Cache.TryGetAsync<string>("page:3")).Found);
        Assert.Equal(3, test.Cache.GetStats().Invalidations);
    }

    [Fact]
    public async Task A_tag_invalidated_again_with_no_entries_left_reports_zero()
    {
        await using var test = new TestCache();
        await test.Cache.SetAsync("page:1", "one", new AllixiosCacheEntryOptions { Tags = ["category:7"] });
        await test.Cache.InvalidateTagAsync("category:7");

        Assert.Equal(0, await test.Cache.InvalidateTagAsync("category:7"));
    }

    [Fact]
    public async Task An_entry_made_again_after_an_invalidation_is_tracked_again()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        await test.Cache.GetOrCreateAsync("page:42", factory.RunAsync, DependsOn("content:42"));
        await test.Cache.InvalidateKeyAsync("content:42");
        await test.Cache.GetOrCreateAsync("page:42", factory.RunAsync, DependsOn("content:42"));

        await test.Cache.InvalidateKeyAsync("content:42");

        Assert.Equal("value-3", await test.Cache.GetOrCreateAsync("page:42", factory.RunAsync, DependsOn("content:42")));
    }

    private static AllixiosCacheEntryOptions DependsOn(params string[] keys) => new() { DependsOn = keys };
}
