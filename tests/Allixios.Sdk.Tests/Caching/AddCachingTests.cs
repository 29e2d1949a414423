using Allixios.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class AddCachingTests
{
    [Fact]
    public void The_embedded_default_is_memory_only_with_the_dependency_state_in_memory()
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddCaching();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<AllixiosCache>(provider.GetRequiredService<IAllixiosCache>());
        Assert.IsType<InMemoryCacheDependencyStore>(provider.GetRequiredService<ICacheDependencyStore>());
        Assert.Same(provider.GetRequiredService<IAllixiosCache>(), provider.GetRequiredService<IAllixiosCache>());
    }

    [Fact]
    public void With_Redis_the_dependency_state_is_kept_in_Redis()
    {
        var services = new ServiceCollection();

        // Port 1: nothing answers there, and neither building the provider nor resolving the store may wait for it.
        services.AddAllixios().UseRedis("127.0.0.1:1,connectTimeout=100").AddCaching();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<RedisCacheDependencyStore>(provider.GetRequiredService<ICacheDependencyStore>());
    }

    [Fact]
    public void AddCaching_twice_registers_nothing_twice_but_applies_both_configurations()
    {
        var services = new ServiceCollection();
        var builder = services.AddAllixios().AddCaching(o => o.MaxKeyLength = 100);
        var once = services.Count;

        builder.AddCaching(o => o.MaxValueBytes = 4096);

        Assert.Equal(once, services.Count - 1);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AllixiosCacheOptions>>().Value;
        Assert.Equal(100, options.MaxKeyLength);
        Assert.Equal(4096, options.MaxValueBytes);
    }

    [Fact]
    public void Out_of_range_options_fail_validation_with_the_setting_named()
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddCaching(o =>
        {
            o.MaxKeyLength = 5;
            o.DefaultExpiration = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AllixiosCacheOptions>>().Value);

        Assert.Contains("Allixios:Cache:MaxKeyLength", error.Message, StringComparison.Ordinal);
        Assert.Contains("Allixios:Cache:DefaultExpiration", error.Message, StringComparison.Ordinal);
    }
}
