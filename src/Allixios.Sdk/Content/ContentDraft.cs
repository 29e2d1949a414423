using Allixios.Quality;

namespace Allixios.Content;

/// <summary>The result of a <c>content.generate</c> job: the draft, its quality, and what writing it took.</summary>
/// <param name="Text">The draft, in Markdown.</param>
/// <param name="Words">Its length in words.</param>
/// <param name="Score">Its quality score, 0 to 100.</param>
/// <param name="Breakdown">Each scorer's part of the score.</param>
/// <param name="Model">The catalog model that wrote it.</param>
/// <param name="Deployment">The deployment that served it.</param>
/// <param name="Provider">The provider.</param>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="UsageEstimated">Whether the provider reported no usage and the tokens are estimated.</param>
/// <param name="Cost">What the completion cost.</param>
/// <param name="Currency">The currency of <paramref name="Cost"/>.</param>
/// <param name="LatencyMs">How long the completion took, to the stream's end, in milliseconds.</param>
/// <param name="Attempts">How many deployments were tried.</param>
public sealed record ContentDraft(
    string Text,
    int Words,
    double Score,
    IReadOnlyList<QualityComponent> Breakdown,
    string Model,
    string Deployment,
    string Provider,
    long InputTokens,
    long OutputTokens,
    bool UsageEstimated,
    decimal Cost,
    string Currency,
    double LatencyMs,
    int Attempts);
