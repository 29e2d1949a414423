using System.Threading.RateLimiting;

namespace Allixios.Usage;

/// <summary>
/// A <see cref="RateLimiter"/> whose permits are counted in clock-aligned fixed windows in an
/// <see cref="IRateLimitCounterStore"/>, so every replica sharing the store shares the limit: at most
/// <see cref="PermitLimit"/> permits in each window, together. It never queues: a refused lease carries
/// <see cref="MetadataName.RetryAfter"/> (when the window ends) and <see cref="MetadataName.ReasonPhrase"/>.
/// </summary>
public sealed class WindowRateLimiter : RateLimiter
{
    private readonly IRateLimitCounterStore _store;
    private readonly string _key;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private long _lastUsed;

    /// <summary>Creates a limiter over <paramref name="store"/>.</summary>
    /// <param name="store">Where the windows are counted.</param>
    /// <param name="key">The counter's name, e.g. <c>openai:requests</c>.</param>
    /// <param name="permitLimit">Permits per window, 1 or more.</param>
    /// <param name="window">The window's length, more than zero; windows start at multiples of it since the Unix epoch.</param>
    /// <param name="time">The clock; replicas' clocks should agree (NTP), as windows are computed from it.</param>
    public WindowRateLimiter(IRateLimitCounterStore store, string key, long permitLimit, TimeSpan window, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _key = key;
        PermitLimit = permitLimit;
        _window = window;
        _time = time;
    }

    /// <summary>The most permits one window grants, across every replica.</summary>
    public long PermitLimit { get; }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <summary>The window the clock is in now: its start and end.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) CurrentWindow()
    {
        var now = _time.GetUtcNow();
        var ticks = now.UtcTicks - (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % _window.Ticks;
        var start = new DateTimeOffset(ticks, TimeSpan.Zero);
        return (start, start + _window);
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        // What this process last saw of the shared window; other replicas may have used more since.
        CurrentAvailablePermits = Math.Max(0, PermitLimit - Interlocked.Read(ref _lastUsed)),
        CurrentQueuedCount = 0,
    };

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Check(permitCount);
        var (start, end) = CurrentWindow();
        return Lease(_store.TryAdd(_key, permitCount, PermitLimit, start, _window), permitCount, end);
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Check(permitCount);
        var (start, end) = CurrentWindow();
        return Lease(await _store.TryAddAsync(_key, permitCount, PermitLimit, start, _window, cancellationToken), permitCount, end);
    }

    private void Check(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        if (permitCount > PermitLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"{permitCount} permits can never be granted by '{_key}': its limit is {PermitLimit} per {_window}.");
        }
    }

    private WindowLease Lease(RateLimitCount count, int permitCount, DateTimeOffset windowEnd)
    {
        Interlocked.Exchange(ref _lastUsed, count.Used);
        if (count.Acquired)
        {
            return WindowLease.Acquired;
        }

        var retryAfter = windowEnd - _time.GetUtcNow();
        return new WindowLease(
            retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.Zero,
            $"Rate limit '{_key}' allows {PermitLimit} per {_window}; {count.Used} are used in this window, and {permitCount} more would exceed it. The window ends at {windowEnd:O}.");
    }

    private sealed class WindowLease : RateLimitLease
    {
        public static readonly WindowLease Acquired = new(null, null);

        private readonly TimeSpan? _retryAfter;
        private readonly string? _reason;

        public WindowLease(TimeSpan? retryAfter, string? reason)
        {
            _retryAfter = retryAfter;
            _reason = reason;
        }

        public override bool IsAcquired => _reason is null;

        public override IEnumerable<string> MetadataNames => IsAcquired ? [] : [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName switch
            {
                _ when IsAcquired => null,
                _ when metadataName == MetadataName.RetryAfter.Name => _retryAfter,
                _ when metadataName == MetadataName.ReasonPhrase.Name => _reason,
                _ => null,
            };
            return metadata is not null;
        }
    }
}
