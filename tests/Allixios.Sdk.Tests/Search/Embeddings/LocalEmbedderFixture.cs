using Allixios.Search.Embeddings;

namespace Allixios.Sdk.Tests.Search.Embeddings;

/// <summary>One generator per test class at 512 tokens, the package encoder's window: loading the model takes about a second.</summary>
public sealed class LocalEmbedderFixture : IDisposable
{
    /// <summary>The generator under test.</summary>
    public MiniLmEmbeddingGenerator Generator { get; } = new(new LocalEmbeddingOptions { MaxTokens = 512, BatchSize = 8 });

    /// <inheritdoc />
    public void Dispose() => Generator.Dispose();
}
