using Allixios;
using Allixios.Caching;
using Allixios.Search;
using Allixios.Search.Analytics;
using Allixios.Search.Discovery;
using Allixios.Search.Hybrid;
using Allixios.Search.Vectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds recommendations, search analytics, A/B tests and result caching to Allixios search.</summary>
public static class AllixiosSearchDiscoveryBuilderExtensions
{
    /// <summary>
    /// Adds search (<c>AddSearch</c>) and on top of it: <see cref="ISearchAnalyticsStore"/> (PostgreSQL with
    /// <c>UsePostgres</c>, else memory), <see cref="TrackedSearch"/> (query log, experiments, result cache),
    /// <see cref="SearchFeedback"/> (clicks, interactions) and <see cref="SearchRecommender"/>. When an
    /// <see cref="IAllixiosCache"/> is registered (<c>AddCaching</c>) and <see cref="SearchDiscoveryOptions.CacheResults"/>
    /// is on, results are cached and the <see cref="ISearchIndex"/> is wrapped in a
    /// <see cref="CacheInvalidatingSearchIndex"/>. Options are checked at start. Calling it again adds nothing twice
    /// but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddSearchDiscovery(this IAllixiosBuilder builder, Action<SearchDiscoveryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddSearch();
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<SearchDiscoveryOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<ISearchAnalyticsStore>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresSearchAnalyticsStore(dataSource)
            : new InMemorySearchAnalyticsStore());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SearchAnalyticsRetention>());
        DecorateIndexOnce(services);
        services.TryAddSingleton(sp => new TrackedSearch(
            sp.GetRequiredService<ISearchIndex>(),
            sp.GetRequiredService<HybridSearch>(),
            sp.GetRequiredService<ISearchAnalyticsStore>(),
            sp.GetRequiredService<IOptions<SearchOptions>>(),
            sp.GetRequiredService<IOptions<HybridSearchOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            ResultCache(sp),
            sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<IVectorSearch>()));
        services.TryAddSingleton(sp => new SearchFeedback(
            sp.GetRequiredService<ISearchIndex>(), sp.GetRequiredService<ISearchAnalyticsStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            // "More like this" reads stored vectors only where AddSemanticSearch keeps them in step with the documents.
            var semantic = sp.GetService<IVectorSearch>() is VectorIndexSearch;
            return new SearchRecommender(
                sp.GetRequiredService<ISearchIndex>(),
                sp.GetRequiredService<ISearchAnalyticsStore>(),
                sp.GetRequiredService<IOptions<SearchDiscoveryOptions>>(),
                sp.GetRequiredService<IOptions<SearchOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                semantic ? sp.GetService<IVectorIndex>() : null,
                semantic ? sp.GetRequiredService<IOptions<SemanticSearchOptions>>().Value.IndexName : null);
        });
        return builder;
    }

    private static SearchResultCache? ResultCache(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<SearchDiscoveryOptions>>().Value;
        return options.CacheResults && services.GetService<IAllixiosCache>() is { } cache
            ? new SearchResultCache(cache, options.CacheExpiration)
            : null;
    }

    /// <summary>
    /// Replaces the <see cref="ISearchIndex"/> registration with one that wraps it in a
    /// <see cref="CacheInvalidatingSearchIndex"/> whenever results are cached, once however often this runs.
    /// </summary>
    private static void DecorateIndexOnce(IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(IndexDecoratedMarker)))
        {
            return;
        }

        var original = services.Last(s => s.ServiceType == typeof(ISearchIndex));
        services.Remove(original);
        services.AddSingleton<IndexDecoratedMarker>();
        services.AddSingleton<ISearchIndex>(sp =>
        {
            var inner = original.ImplementationInstance as ISearchIndex
                ?? (original.ImplementationFactory is { } factory
                    ? (ISearchIndex)factory(sp)
                    : (ISearchIndex)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!));
            var options = sp.GetRequiredService<IOptions<SearchDiscoveryOptions>>().Value;
            return options.CacheResults && sp.GetService<IAllixiosCache>() is { } cache
                ? new CacheInvalidatingSearchIndex(inner, cache)
                : inner;
        });
    }

    /// <summary>Registered once the search index is wrapped, so a second call does not wrap it again.</summary>
    private sealed class IndexDecoratedMarker;
}
