namespace Allixios.Usage;

/// <summary>The embedded default <see cref="IRateLimitCounterStore"/>: counters in process memory, so limits hold per process only.</summary>
public sealed class InMemoryRateLimitCounterStore : IRateLimitCounterStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset WindowStart, long Used)> _counters = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<RateLimitCount> TryAddAsync(string key, long amount, long limit, DateTimeOffset windowStart, TimeSpan window, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TryAdd(key, amount, limit, windowStart, window));

    /// <inheritdoc />
    public RateLimitCount TryAdd(string key, long amount, long limit, DateTimeOffset windowStart, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            // Only the current window matters; an older one is replaced, a newer one (another caller's clock ran ahead) kept.
            var used = _counters.TryGetValue(key, out var counter) && counter.WindowStart >= windowStart ? counter.Used : 0;
            var start = counter.WindowStart > windowStart ? counter.WindowStart : windowStart;
            if (used + amount > limit)
            {
                return new RateLimitCount(false, used);
            }

            _counters[key] = (start, used + amount);
            return new RateLimitCount(true, used + amount);
        }
    }
}
