using Allixios;
using Allixios.AiRouting;
using Allixios.AiRouting.Caching;
using Allixios.Caching;
using Allixios.Search.Embeddings;
using Allixios.Search.Vectors;
using Allixios.Usage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the AI response cache to Allixios.</summary>
public static class AllixiosAiResponseCacheBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="AiCachingChatClient"/>, the exact and semantic response cache around the <see cref="AiRouter"/>
    /// (which it adds, with caching and the vector index, if they are not there yet). Resolve
    /// <see cref="AiCachingChatClient"/> to call the router through the cache; the router's own registrations are left
    /// as they are. The semantic cache embeds with the app's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of
    /// strings when it registered one other than the router (whose embeddings would be paid provider calls), else with
    /// the local MiniLM model (<see cref="MiniLmEmbeddingGenerator"/>); either is made on the first semantic lookup. Options are checked
    /// at start. Calling it again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddAiResponseCache(this IAllixiosBuilder builder, Action<AiResponseCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<AiResponseCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(s => s.ServiceType == typeof(AiCachingChatClient)))
        {
            return builder;
        }

        builder.AddAiRouting();
        builder.AddCaching();
        builder.AddVectorIndex();
        services.AddOptionsValidatedOnce<LocalEmbeddingOptions>();
        services.TryAddSingleton(sp => new MiniLmEmbeddingGenerator(
            sp.GetRequiredService<IOptions<LocalEmbeddingOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new AiCachingChatClient(
            sp.GetRequiredService<AiRouter>(),
            sp.GetRequiredService<IAllixiosCache>(),
            sp.GetRequiredService<IOptions<AiResponseCacheOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IUsageLedger>(),
            sp.GetRequiredService<IVectorIndex>(),
            new LazyEmbeddingGenerator(() => sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>() is { } registered and not AiRouter
                ? registered
                : sp.GetRequiredService<MiniLmEmbeddingGenerator>())));
        return builder;
    }
}
