using Allixios.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Allixios.Caching;

/// <summary>
/// Counts the errors the cache swallows and logs them at a throttled rate: while Redis is down every lookup would
/// otherwise log, and the log would drown what else is going on.
/// </summary>
internal sealed class CacheErrorReporter(ILogger logger, TimeProvider time, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private long _errors;
    private long _suppressed;
    private long _lastLoggedAt = long.MinValue;

    public long Count => Interlocked.Read(ref _errors);

    public void Report(string source, Exception error)
    {
        Interlocked.Increment(ref _errors);
        CacheInstruments.Errors.Add(1, new KeyValuePair<string, object?>("source", source));
        long suppressed;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (_lastLoggedAt != long.MinValue && time.GetElapsedTime(_lastLoggedAt, now) < interval)
            {
                _suppressed++;
                return;
            }

            _lastLoggedAt = now;
            suppressed = _suppressed;
            _suppressed = 0;
        }

        logger.LogWarning(
            AllixiosLogEvents.CacheDegraded,
            error,
            "The cache carries on without {Source}: {Message} ({Suppressed} more cache errors since the last report.)",
            source,
            error.Message,
            suppressed);
    }
}
