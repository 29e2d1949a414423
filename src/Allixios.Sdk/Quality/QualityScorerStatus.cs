namespace Allixios.Quality;

/// <summary>How one scorer ended for one text.</summary>
public enum QualityScorerStatus
{
    /// <summary>It scored the text; the score counts by its weight.</summary>
    Scored = 0,

    /// <summary>It does not apply (e.g. structure of a non-article, readability of a non-English text); it does not count.</summary>
    Skipped = 1,

    /// <summary>It could not score (e.g. the judge's answer was not a score); the reason is reported and it does not count.</summary>
    Failed = 2,
}
