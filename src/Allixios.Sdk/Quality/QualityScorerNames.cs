namespace Allixios.Quality;

/// <summary>The names of the built-in scorers: the keys of weights and of the breakdown.</summary>
public static class QualityScorerNames
{
    /// <summary>Flesch reading ease inside a target band (English).</summary>
    public const string Readability = "readability";

    /// <summary>Headings, paragraphs and lists of an article.</summary>
    public const string Structure = "structure";

    /// <summary>Coverage of the brief's keywords.</summary>
    public const string Keywords = "keywords";

    /// <summary>Length against the requested length.</summary>
    public const string Length = "length";

    /// <summary>Repeated word sequences and sentences.</summary>
    public const string Repetition = "repetition";

    /// <summary>JSON well-formedness and validity against the request's schema.</summary>
    public const string JsonSchema = "json_schema";

    /// <summary>A model's 0–100 judgement, through the AI router.</summary>
    public const string Judge = "judge";
}
