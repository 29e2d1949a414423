using System.ComponentModel.DataAnnotations;

namespace Allixios.Search.Embeddings;

/// <summary>
/// How the local embedder (all-MiniLM-L6-v2 on ONNX Runtime, no network) runs, bound from <c>Allixios:Embeddings</c>.
/// </summary>
public sealed class LocalEmbeddingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Embeddings";

    /// <summary>
    /// Texts are cut to this many tokens, counting the two special tokens. 256 is the window the model was trained on;
    /// longer costs time and rarely helps retrieval. The model cannot see past 512. Default: 256. Range: 8 to 512.
    /// </summary>
    [Range(8, 512, ErrorMessage = "Allixios:Embeddings:MaxTokens must be from 8 to 512.")]
    public int MaxTokens { get; set; } = 256;

    /// <summary>
    /// How many texts go through the model in one run. Texts are sorted by length first, so a batch pads little.
    /// Default: 16. Range: 1 to 256.
    /// </summary>
    [Range(1, 256, ErrorMessage = "Allixios:Embeddings:BatchSize must be from 1 to 256.")]
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// How many batches run at once on the one shared session, each on its own thread. Default: the number of
    /// processors, which measured faster than one batch at a time with several intra-op threads (see
    /// <c>tests/Allixios.Benchmarks -- embed</c>). Range: 1 to 64.
    /// </summary>
    [Range(1, 64, ErrorMessage = "Allixios:Embeddings:ConcurrentBatches must be from 1 to 64.")]
    public int ConcurrentBatches { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Threads ONNX Runtime uses inside one run. With <see cref="ConcurrentBatches"/> above 1, keep it at 1 so batches
    /// do not fight over the cores. Default: 1. Range: 1 to 64.
    /// </summary>
    [Range(1, 64, ErrorMessage = "Allixios:Embeddings:IntraOpThreads must be from 1 to 64.")]
    public int IntraOpThreads { get; set; } = 1;
}
