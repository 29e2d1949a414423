using Allixios;
using Allixios.Search.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the local, network-free embedder to Allixios.</summary>
public static class AllixiosEmbeddingsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="MiniLmEmbeddingGenerator"/> (all-MiniLM-L6-v2 on ONNX Runtime, 384 dimensions) as the
    /// singleton <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings, unless another generator (e.g. an
    /// OpenAI-compatible one) is already registered. Options are checked at start; the model loads on first use.
    /// Calling it again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddLocalEmbeddings(this IAllixiosBuilder builder, Action<LocalEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<LocalEmbeddingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new MiniLmEmbeddingGenerator(
            sp.GetRequiredService<IOptions<LocalEmbeddingOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<MiniLmEmbeddingGenerator>());
        return builder;
    }
}
