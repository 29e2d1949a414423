using Allixios.Caching;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class CacheInputTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public async Task An_empty_or_blank_key_is_refused_with_what_to_fix(string key)
    {
        await using var test = new TestCache();

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(1)));

        AssertInvalid(error, "cache_key_empty");
        Assert.Contains("must not be empty", error.Message, StringComparison.Ordinal);
        AssertInvalid(await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.SetAsync(key, 1)), "cache_key_empty");
        AssertInvalid(await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.RemoveAsync(key)), "cache_key_empty");
        AssertInvalid(await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.InvalidateKeyAsync(key)), "cache_key_empty");
        AssertInvalid(await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.TryGetAsync<int>(key)), "cache_key_empty");
    }

    [Fact]
    public async Task A_key_longer_than_the_limit_is_refused_and_the_message_names_the_limit()
    {
        await using var test = new TestCache(o => o.MaxKeyLength = 32);

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.SetAsync(new string('k', 33), 1));

        AssertInvalid(error, "cache_key_too_long");
        Assert.Contains("at most 32", error.Message, StringComparison.Ordinal);
        await test.Cache.SetAsync(new string('k', 32), 1);
    }

    [Fact]
    public async Task A_value_larger_than_the_limit_is_refused_and_not_stored()
    {
        await using var test = new TestCache(o => o.MaxValueBytes = 1024);

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.SetAsync("big", new string('x', 2000)));

        AssertInvalid(error, "cache_value_too_large");
        Assert.Contains("MaxValueBytes", error.Message, StringComparison.Ordinal);
        Assert.False((await test.Cache.TryGetAsync<string>("big")).Found);
    }

    [Fact]
    public async Task A_factory_that_makes_a_value_over_the_limit_fails_the_call_and_stores_nothing()
    {
        await using var test = new TestCache(o => o.MaxValueBytes = 1024);

        var error = await Assert.ThrowsAsync<AllixiosException>(async () =>
            await test.Cache.GetOrCreateAsync("big", _ => ValueTask.FromResult(Enumerable.Range(0, 1000).ToArray())));

        AssertInvalid(error, "cache_value_too_large");
        Assert.False((await test.Cache.TryGetAsync<int[]>("big")).Found);
    }

    [Fact]
    public async Task Invalidating_a_tag_no_entry_ever_carried_is_a_clear_error()
    {
        await using var test = new TestCache();
        await test.Cache.SetAsync("page:1", "one", new AllixiosCacheEntryOptions { Tags = ["category:7"] });

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.InvalidateTagAsync("categroy:7"));

        AssertInvalid(error, "cache_tag_unknown");
        Assert.Contains("'categroy:7'", error.Message, StringComparison.Ordinal);
        Assert.True((await test.Cache.TryGetAsync<string>("page:1")).Found);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ümlaut")]
    public async Task A_malformed_tag_is_refused_when_invalidating_and_when_storing(string tag)
    {
        await using var test = new TestCache();

        AssertInvalid(await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.InvalidateTagAsync(tag)), "cache_tag_invalid");
        AssertInvalid(
            await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.SetAsync("page:1", "one", new AllixiosCacheEntryOptions { Tags = [tag] })),
            "cache_tag_invalid");
    }

    public static TheoryData<AllixiosCacheEntryOptions, string> BadOptions => new()
    {
        { new AllixiosCacheEntryOptions { Expiration = TimeSpan.Zero }, "Expiration" },
        { new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromSeconds(-1) }, "Expiration" },
        { new AllixiosCacheEntryOptions { LocalExpiration = TimeSpan.Zero }, "LocalExpiration" },
        { new AllixiosCacheEntryOptions { MaxStaleness = TimeSpan.FromSeconds(-1) }, "MaxStaleness" },
        { new AllixiosCacheEntryOptions { FactorySoftTimeout = TimeSpan.Zero }, "FactorySoftTimeout" },
        { new AllixiosCacheEntryOptions { FactoryHardTimeout = TimeSpan.FromMilliseconds(-5) }, "FactoryHardTimeout" },
        { new AllixiosCacheEntryOptions { EagerRefreshThreshold = 0.2 }, "EagerRefreshThreshold" },
        { new AllixiosCacheEntryOptions { EagerRefreshThreshold = 1.5 }, "EagerRefreshThreshold" },
        { new AllixiosCacheEntryOptions { DependsOn = [" "] }, "DependsOn" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Zero_negative_or_out_of_range_entry_options_are_refused_and_named(AllixiosCacheEntryOptions options, string named)
    {
        await using var test = new TestCache();

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await test.Cache.GetOrCreateAsync("content:42", _ => ValueTask.FromResult(1), options));

        AssertInvalid(error, "cache_option_invalid");
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static void AssertInvalid(AllixiosException error, string reason)
    {
        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(reason, error.Reason);
    }
}
