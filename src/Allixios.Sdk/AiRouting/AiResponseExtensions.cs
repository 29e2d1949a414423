using Microsoft.Extensions.AI;

namespace Allixios.AiRouting;

/// <summary>Reads the router's <see cref="AiUsageReport"/> off responses and stream updates.</summary>
public static class AiResponseExtensions
{
    /// <summary>The usage report the router put on a response, or <see langword="null"/> when it did not come through the router.</summary>
    public static AiUsageReport? GetUsageReport(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(AiUsageReport.PropertyName, out var value) == true ? value as AiUsageReport : null;
    }

    /// <summary>The usage report on a stream's update (the router puts it on the last one), or <see langword="null"/>.</summary>
    public static AiUsageReport? GetUsageReport(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return update.AdditionalProperties?.TryGetValue(AiUsageReport.PropertyName, out var value) == true ? value as AiUsageReport : null;
    }

    /// <summary>The usage report the router put on generated embeddings, or <see langword="null"/>.</summary>
    public static AiUsageReport? GetUsageReport(this GeneratedEmbeddings<Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return embeddings.AdditionalProperties?.TryGetValue(AiUsageReport.PropertyName, out var value) == true ? value as AiUsageReport : null;
    }
}
