using Allixios;
using Allixios.Search;
using Allixios.Search.Hybrid;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds search to Allixios.</summary>
public static class AllixiosSearchBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="ISearchIndex"/> (PostgreSQL when <c>UsePostgres</c> is called, in either order; else in memory)
    /// and <see cref="HybridSearch"/>, which also serves semantic and hybrid queries once an
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and an <see cref="IVectorSearch"/> are registered. Options
    /// are checked at start. Calling it again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddSearch(this IAllixiosBuilder builder, Action<SearchOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<SearchOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptionsValidatedOnce<HybridSearchOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISearchIndex>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresSearchIndex(dataSource, sp.GetRequiredService<IOptions<SearchOptions>>(), sp.GetRequiredService<TimeProvider>())
            : new InMemorySearchIndex(sp.GetRequiredService<IOptions<SearchOptions>>()));
        services.TryAddSingleton(sp => new HybridSearch(
            sp.GetRequiredService<ISearchIndex>(),
            sp.GetRequiredService<IOptions<SearchOptions>>(),
            sp.GetRequiredService<IOptions<HybridSearchOptions>>(),
            sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<IVectorSearch>()));
        return builder;
    }
}
