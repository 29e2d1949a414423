namespace Allixios.Usage;

/// <summary>
/// Fixed-window counters shared by every replica (Redis or PostgreSQL; process memory in the embedded default): the
/// state behind <see cref="WindowRateLimiter"/>. Adding is atomic: of concurrent callers on any replica, the amounts
/// counted in one window never sum above its limit.
/// </summary>
public interface IRateLimitCounterStore
{
    /// <summary>
    /// Adds <paramref name="amount"/> to the window of <paramref name="key"/> starting at <paramref name="windowStart"/>
    /// when the window's count stays at or under <paramref name="limit"/>; otherwise counts nothing.
    /// </summary>
    /// <param name="key">The counter, e.g. <c>openai:requests</c>.</param>
    /// <param name="amount">Zero or more; zero only reads whether the window is over its limit.</param>
    /// <param name="limit">The most the window may count.</param>
    /// <param name="windowStart">The start of the current window (from the caller's clock).</param>
    /// <param name="window">The window's length; counters of past windows may be forgotten after it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<RateLimitCount> TryAddAsync(string key, long amount, long limit, DateTimeOffset windowStart, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="TryAddAsync"/> for <see cref="System.Threading.RateLimiting.RateLimiter.AttemptAcquire(int)"/>, which is
    /// synchronous: a shared store makes a blocking round trip. Prefer the asynchronous form.
    /// </summary>
    RateLimitCount TryAdd(string key, long amount, long limit, DateTimeOffset windowStart, TimeSpan window);
}
