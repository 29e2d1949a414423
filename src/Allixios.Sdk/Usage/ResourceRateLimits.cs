using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Allixios.Usage;

/// <summary>
/// The configured rate limits of resources (<see cref="UsageOptions.RateLimits"/>), as
/// <see cref="WindowRateLimiter"/>s per minute over the shared <see cref="IRateLimitCounterStore"/>: global across
/// replicas. The job worker acquires a request for each job of a limited resource; the AI router acquires a request
/// and the call's tokens.
/// </summary>
public sealed class ResourceRateLimits(IRateLimitCounterStore store, IOptions<UsageOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Resource, RateLimitDimension Dimension), WindowRateLimiter?> _limiters = new();

    /// <summary>The limiter of <paramref name="resource"/>'s <paramref name="dimension"/>, or <see langword="null"/> when that is not limited.</summary>
    public RateLimiter? GetLimiter(string resource, RateLimitDimension dimension)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return _limiters.GetOrAdd((resource, dimension), Create);
    }

    /// <summary>
    /// Acquires one request and <paramref name="tokens"/> tokens of <paramref name="resource"/> for this minute. A
    /// resource without limits is always acquired. When the tokens are refused after the request was counted, the
    /// request stays counted (windows are not refunded). A refused lease carries <see cref="MetadataName.RetryAfter"/>
    /// and <see cref="MetadataName.ReasonPhrase"/>.
    /// </summary>
    public async ValueTask<RateLimitLease> AcquireAsync(string resource, int tokens = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        if (GetLimiter(resource, RateLimitDimension.Requests) is { } requests)
        {
            var lease = await requests.AcquireAsync(1, cancellationToken);
            Count(resource, RateLimitDimension.Requests, lease);
            if (!lease.IsAcquired)
            {
                return lease;
            }
        }

        if (tokens > 0 && GetLimiter(resource, RateLimitDimension.Tokens) is WindowRateLimiter tokenLimiter)
        {
            var lease = await tokenLimiter.AcquireAsync((int)Math.Min(tokens, tokenLimiter.PermitLimit), cancellationToken);
            Count(resource, RateLimitDimension.Tokens, lease);
            return lease;
        }

        return Unlimited.Instance;
    }

    private static void Count(string resource, RateLimitDimension dimension, RateLimitLease lease) =>
        UsageInstruments.RateLimitDecisions.Add(1, new TagList
        {
            { "resource", resource },
            { "dimension", dimension == RateLimitDimension.Requests ? "requests" : "tokens" },
            { "outcome", lease.IsAcquired ? "acquired" : "refused" },
        });

    private WindowRateLimiter? Create((string Resource, RateLimitDimension Dimension) key)
    {
        if (!options.Value.RateLimits.TryGetValue(key.Resource, out var limit))
        {
            return null;
        }

        var perMinute = key.Dimension == RateLimitDimension.Requests ? limit.RequestsPerMinute : limit.TokensPerMinute;
        return perMinute is { } permits
            ? new WindowRateLimiter(store, $"{key.Resource}:{(key.Dimension == RateLimitDimension.Requests ? "requests" : "tokens")}", permits, TimeSpan.FromMinutes(1), time)
            : null;
    }

    private sealed class Unlimited : RateLimitLease
    {
        public static readonly Unlimited Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
