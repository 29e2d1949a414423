using System.ComponentModel.DataAnnotations;

namespace Allixios.Search.Hybrid;

/// <summary>
/// How documents are embedded for semantic and hybrid search once <c>AddSemanticSearch</c> is called, bound from
/// <c>Allixios:Search:Semantic</c>.
/// </summary>
public sealed class SemanticSearchOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Search:Semantic";

    /// <summary>
    /// The vector index the documents' vectors go to. Each embedder needs its own index (vectors of different models
    /// are not comparable, and an index keeps one dimension): change it when you plug in another generator, then
    /// upsert the documents again. Default: <c>minilm</c>. 1 to 63 characters of a-z, 0-9, <c>_</c>, <c>-</c>, <c>.</c>.
    /// </summary>
    [RegularExpression("^[a-z0-9][a-z0-9_.-]{0,62}$", ErrorMessage = "Allixios:Search:Semantic:IndexName must be 1 to 63 characters of a-z, 0-9, '_', '-' or '.', starting with a letter or digit.")]
    public string IndexName { get; set; } = "minilm";

    /// <summary>
    /// How many documents go to the embedding generator in one call while upserting (the generator batches further by
    /// itself). Smaller reports progress more often and holds less memory. Default: 256. Range: 1 to 10,000.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = "Allixios:Search:Semantic:EmbeddingBatchSize must be from 1 to 10,000.")]
    public int EmbeddingBatchSize { get; set; } = 256;
}
