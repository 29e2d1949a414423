namespace Allixios.Usage;

/// <summary>How a piece of metered work ended.</summary>
public enum UsageOutcome
{
    /// <summary>It did what was asked.</summary>
    Succeeded,

    /// <summary>It failed (provider error, timeout, bad output); what it consumed is still recorded.</summary>
    Failed,

    /// <summary>It was cancelled; a stream cut short still consumed what it streamed.</summary>
    Cancelled,

    /// <summary>It was refused before it ran (budget or rate limit); usually zero cost.</summary>
    Refused,
}
