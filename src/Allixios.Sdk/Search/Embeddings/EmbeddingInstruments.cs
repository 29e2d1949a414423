using System.Diagnostics.Metrics;
using Allixios.Diagnostics;

namespace Allixios.Search.Embeddings;

/// <summary>The local embedder's instruments on the one Allixios <see cref="Meter"/>.</summary>
internal static class EmbeddingInstruments
{
    public static readonly Counter<long> Texts = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.embeddings.texts", unit: "{text}", description: "Texts the local embedder turned into vectors.");

    public static readonly Counter<long> Tokens = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.embeddings.tokens", unit: "{token}", description: "Tokens the local embedder ran through the model, special tokens included.");

    public static readonly Histogram<double> BatchTime = AllixiosTelemetry.Meter.CreateHistogram<double>(
        "allixios.embeddings.batch_time", unit: "ms", description: "How long one model run over a batch of texts took.");
}
