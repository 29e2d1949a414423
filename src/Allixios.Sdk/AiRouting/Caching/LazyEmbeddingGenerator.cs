using Microsoft.Extensions.AI;

namespace Allixios.AiRouting.Caching;

/// <summary>
/// An embedding generator made on first use, so that an app whose calls never use the semantic cache never loads an
/// embedding model (the local MiniLM reads its vocabulary and model when made).
/// </summary>
internal sealed class LazyEmbeddingGenerator(Func<IEmbeddingGenerator<string, Embedding<float>>> factory) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lazy<IEmbeddingGenerator<string, Embedding<float>>> _inner = new(factory, LazyThreadSafetyMode.ExecutionAndPublication);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        _inner.Value.GenerateAsync(values, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.IsValueCreated ? _inner.Value.GetService(serviceType, serviceKey) : null;

    public void Dispose()
    {
        // The generator belongs to the container that made it.
    }
}
