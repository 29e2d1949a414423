namespace Allixios.Quality;

/// <summary>A text to score and what it was asked to be.</summary>
/// <param name="Text">The text (Markdown for articles). Must not be empty.</param>
public sealed record QualityRequest(string Text)
{
    /// <summary>What kind of text it is. Default: <see cref="QualityContentKind.Text"/>.</summary>
    public QualityContentKind Kind { get; init; }

    /// <summary>The brief's keywords the text should cover (case-insensitive, whole words; a plural counts). None: coverage is not scored.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>The requested length in words. None: length fit is not scored.</summary>
    public int? TargetWords { get; init; }

    /// <summary>The text's language as a BCP 47 tag, e.g. <c>en</c> or <c>de-DE</c>. Readability (Flesch) is scored for English only. None: English.</summary>
    public string? Language { get; init; }

    /// <summary>A JSON Schema the text must satisfy (structured output); implies <see cref="QualityContentKind.Json"/>. None: only JSON well-formedness for JSON texts.</summary>
    public string? JsonSchema { get; init; }

    /// <summary>The brief the text was written for, shown to the model-as-judge. None: the judge sees only the text.</summary>
    public string? Brief { get; init; }

    /// <summary>Whether to ask a model to judge the text (a routed call, which costs money). None: <see cref="QualityScoringOptions.JudgeByDefault"/>.</summary>
    public bool? UseJudge { get; init; }

    /// <summary>Weights by scorer name that replace the configured ones for this request (see <see cref="QualityScorerNames"/>). None: the configured weights.</summary>
    public IReadOnlyDictionary<string, double>? Weights { get; init; }

    /// <summary>The tenant the judge's call is budgeted and recorded under. None: the call is neither budgeted nor recorded.</summary>
    public string? TenantId { get; init; }

    /// <summary>The job the text belongs to, recorded with the judge's call.</summary>
    public Guid? JobId { get; init; }

    /// <summary>That job's type, recorded with the judge's call.</summary>
    public string? JobType { get; init; }
}
