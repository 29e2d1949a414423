using Allixios;
using Allixios.Search;
using Allixios.Search.Hybrid;
using Allixios.Search.Vectors;
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
        services.TryAddSingleton<ISearchIndex>(sp =>
        {
            ISearchIndex lexical = sp.GetService<NpgsqlDataSource>() is { } dataSource
                ? new PostgresSearchIndex(dataSource, sp.GetRequiredService<IOptions<SearchOptions>>(), sp.GetRequiredService<TimeProvider>())
                : new InMemorySearchIndex(sp.GetRequiredService<IOptions<SearchOptions>>());

            // Only AddSemanticSearch makes upserts embed documents; without it no generator is ever resolved.
            return sp.GetService<SemanticSearchMarker>() is null
                ? lexical
                : new SemanticSearchIndex(
                    lexical,
                    sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
                    sp.GetRequiredService<IVectorIndex>(),
                    sp.GetRequiredService<IOptions<SemanticSearchOptions>>().Value);
        });
        services.TryAddSingleton(sp => new HybridSearch(
            sp.GetRequiredService<ISearchIndex>(),
            sp.GetRequiredService<IOptions<SearchOptions>>(),
            sp.GetRequiredService<IOptions<HybridSearchOptions>>(),
            sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<IVectorSearch>()));
        return builder;
    }

    /// <summary>
    /// Adds search (<see cref="AddSearch"/>) with semantic and hybrid modes: the local embedder
    /// (<c>AddLocalEmbeddings</c>, unless another <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> is registered),
    /// the vector index (<c>AddVectorIndex</c>: pgvector with <c>UsePostgres</c>, else memory) and
    /// <see cref="VectorIndexSearch"/> over the index <see cref="SemanticSearchOptions.IndexName"/>. Upserted documents
    /// are then embedded and their vectors kept in step (<see cref="SemanticSearchIndex"/>). Hosts that only call
    /// <see cref="AddSearch"/> stay lexical and never load a model. Calling it again adds nothing twice but applies
    /// <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddSemanticSearch(this IAllixiosBuilder builder, Action<SemanticSearchOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddSearch().AddLocalEmbeddings().AddVectorIndex();
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<SemanticSearchOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<SemanticSearchMarker>();
        services.TryAddSingleton<IVectorSearch>(sp => new VectorIndexSearch(
            sp.GetRequiredService<IVectorIndex>(), sp.GetRequiredService<IOptions<SemanticSearchOptions>>().Value.IndexName));
        return builder;
    }

    /// <summary>Registered by <see cref="AddSemanticSearch"/>: its presence makes the search index embed documents.</summary>
    private sealed class SemanticSearchMarker;
}
