namespace Allixios.Orchestration;

/// <summary>
/// Exponential backoff with "equal jitter": half the exponential delay is fixed, half random, so retries of jobs that
/// failed together (a provider outage) spread out instead of returning at once, yet each still waits.
/// </summary>
public static class RetryBackoff
{
    /// <summary>
    /// The delay before retrying after failed attempt <paramref name="attempt"/> (1-based): <paramref name="baseDelay"/>
    /// × 2^(attempt − 1), capped at <paramref name="maxDelay"/>, of which the upper half is scaled by
    /// <paramref name="random"/> (0 to 1).
    /// </summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(baseDelay.Ticks * Math.Pow(2, exponent), maxDelay.Ticks);
        return TimeSpan.FromTicks((long)((ceiling / 2) + (ceiling / 2 * Math.Clamp(random, 0, 1))));
    }
}
