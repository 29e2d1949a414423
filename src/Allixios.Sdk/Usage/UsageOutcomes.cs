namespace Allixios.Usage;

/// <summary>The names of <see cref="UsageOutcome"/> in storage and on the wire: <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>, <c>refused</c>.</summary>
public static class UsageOutcomes
{
    /// <summary>The lower-case name of <paramref name="outcome"/>.</summary>
    public static string ToName(UsageOutcome outcome) => outcome switch
    {
        UsageOutcome.Succeeded => "succeeded",
        UsageOutcome.Failed => "failed",
        UsageOutcome.Cancelled => "cancelled",
        UsageOutcome.Refused => "refused",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome."),
    };

    /// <summary>The outcome named <paramref name="name"/>, or none.</summary>
    public static UsageOutcome? Parse(string? name) => name switch
    {
        "succeeded" => UsageOutcome.Succeeded,
        "failed" => UsageOutcome.Failed,
        "cancelled" => UsageOutcome.Cancelled,
        "refused" => UsageOutcome.Refused,
        _ => null,
    };
}
