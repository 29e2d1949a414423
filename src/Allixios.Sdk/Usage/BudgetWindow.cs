namespace Allixios.Usage;

/// <summary>Where a budget's current window starts and ends. Both stores compute windows here, from their <see cref="TimeProvider"/>.</summary>
public static class BudgetWindow
{
    /// <summary>The start of the window of <paramref name="period"/> that contains <paramref name="now"/>.</summary>
    public static DateTimeOffset Start(BudgetPeriod period, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return period switch
        {
            BudgetPeriod.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            BudgetPeriod.Month => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown budget period."),
        };
    }

    /// <summary>The end (exclusive) of the window of <paramref name="period"/> that contains <paramref name="now"/>: when its spend resets.</summary>
    public static DateTimeOffset End(BudgetPeriod period, DateTimeOffset now)
    {
        var start = Start(period, now);
        return period == BudgetPeriod.Day ? start.AddDays(1) : start.AddMonths(1);
    }

    internal static string ToName(BudgetPeriod period) => period == BudgetPeriod.Day ? "day" : "month";

    /// <summary>The period named <c>day</c> (or <c>daily</c>) or <c>month</c> (or <c>monthly</c>), any case; none for anything else.</summary>
    public static BudgetPeriod? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "day" or "daily" => BudgetPeriod.Day,
        "month" or "monthly" => BudgetPeriod.Month,
        _ => null,
    };
}
