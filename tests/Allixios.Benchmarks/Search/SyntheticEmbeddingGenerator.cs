using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace Allixios.Benchmarks.Search;

/// <summary>
/// The embedding generator of search-scale: returns the vector <see cref="SyntheticCorpus"/> made for a text (registered
/// with <see cref="Register"/>), so the benchmark measures search, not a model. A text never registered gets a unit
/// vector seeded by its hash: still deterministic.
/// </summary>
internal sealed class SyntheticEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ConcurrentDictionary<string, float[]> _vectors = new(StringComparer.Ordinal);

    public void Register(string text, float[] vector) => _vectors[text] = vector;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        => Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(_vectors.TryGetValue(v, out var vector) ? vector : Seeded(v)))));

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private static float[] Seeded(string text)
    {
        // FNV-1a: string.GetHashCode differs from process to process.
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        var random = new Random((int)hash);
        var vector = Enumerable.Range(0, SyntheticCorpus.Dimensions).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return vector.Select(x => x / norm).ToArray();
    }
}
