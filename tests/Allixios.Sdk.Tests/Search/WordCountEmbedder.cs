using Microsoft.Extensions.AI;

namespace Allixios.Sdk.Tests.Search;

/// <summary>
/// A tiny deterministic embedder for tests: one dimension per known word (its count in the text) plus a constant one,
/// so texts sharing words are near and no vector is all zero. Records every call's texts.
/// </summary>
internal sealed class WordCountEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    private static readonly string[] Words = ["wing", "heat", "flow", "shock", "boundary"];

    public List<IReadOnlyList<string>> Calls { get; } = [];

    public Exception? FailWith { get; set; }

    public static float[] Embed(string text)
    {
        var tokens = text.ToLowerInvariant().Split([' ', '\n', '.', ','], StringSplitOptions.RemoveEmptyEntries);
        var vector = new float[Words.Length + 1];
        for (var i = 0; i < Words.Length; i++)
        {
            vector[i] = tokens.Count(t => t == Words[i]);
        }

        vector[Words.Length] = 0.1f;
        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (FailWith is { } error)
        {
            throw error;
        }

        var texts = values.ToList();
        Calls.Add(texts);
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(Embed(t)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
