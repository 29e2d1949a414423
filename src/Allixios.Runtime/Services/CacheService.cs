using Allixios.Caching;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Allixios.Runtime.Services;

/// <summary>The multi-level cache over gRPC and HTTP/JSON, each tenant in its own namespace.</summary>
internal sealed class CacheService(IAllixiosCache cache, IOptions<AllixiosCacheOptions> options) : Contracts.V1.Cache.CacheBase
{
    public override async Task<CacheEntry> GetEntry(GetCacheEntryRequest request, ServerCallContext context)
    {
        var names = Names(context, ApiScopes.CacheRead);
        var lookup = await InNamespace(names, () => cache.TryGetAsync<string>(names.Key(request.Key), context.CancellationToken));
        if (!lookup.Found || lookup.Value is null)
        {
            throw new AllixiosException(AllixiosErrorKind.NotFound, "cache_entry_not_found", $"The cache has no fresh entry '{request.Key}'.");
        }

        return new CacheEntry { Key = request.Key, Value = Value.Parser.ParseJson(lookup.Value) };
    }

    public override async Task<CacheEntry> SetEntry(SetCacheEntryRequest request, ServerCallContext context)
    {
        var names = Names(context, ApiScopes.CacheWrite);
        if (request.Value is null)
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "cache_value_missing", "The entry has no value: send 'value' with any JSON value (null included).");
        }

        var entryOptions = new AllixiosCacheEntryOptions
        {
            Expiration = request.Expiration?.ToTimeSpan(),
            MaxStaleness = request.MaxStaleness?.ToTimeSpan(),
            Tags = request.Tags.Select(names.Tag).ToList(),
            DependsOn = request.DependsOn.Select(names.Key).ToList(),
        };
        await InNamespace(names, async () =>
        {
            await cache.SetAsync(names.Key(request.Key), JsonFormatter.Default.Format(request.Value), entryOptions, context.CancellationToken);
            return true;
        });
        return new CacheEntry { Key = request.Key, Value = request.Value };
    }

    public override async Task<InvalidateCacheResponse> RemoveEntry(RemoveCacheEntryRequest request, ServerCallContext context)
    {
        var names = Names(context, ApiScopes.CacheWrite);
        await InNamespace(names, async () =>
        {
            await cache.RemoveAsync(names.Key(request.Key), context.CancellationToken);
            return true;
        });
        return new InvalidateCacheResponse { Invalidated = 1 };
    }

    public override async Task<InvalidateCacheResponse> Invalidate(InvalidateCacheRequest request, ServerCallContext context)
    {
        var names = Names(context, ApiScopes.CacheWrite);
        if (request.Keys.Count == 0 && request.Tags.Count == 0)
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "cache_nothing_to_invalidate", "Name at least one key in 'keys' or one tag in 'tags' to invalidate.");
        }

        // Checked whole before anything is invalidated, so a bad name in the list changes nothing.
        var keys = request.Keys.Select(names.Key).ToList();
        var tags = request.Tags.Select(names.Tag).ToList();
        var invalidated = await InNamespace(names, async () =>
        {
            var count = 0;
            foreach (var key in keys)
            {
                count += await cache.InvalidateKeyAsync(key, context.CancellationToken);
            }

            foreach (var tag in tags)
            {
                count += await cache.InvalidateTagAsync(tag, context.CancellationToken);
            }

            return count;
        });
        return new InvalidateCacheResponse { Invalidated = invalidated };
    }

    public override Task<CacheStats> GetStats(GetCacheStatsRequest request, ServerCallContext context)
    {
        Caller.From(context).Require(ApiScopes.CacheRead);
        var stats = cache.GetStats();
        return Task.FromResult(new CacheStats
        {
            L1Hits = stats.L1Hits,
            L1Misses = stats.L1Misses,
            L2Hits = stats.L2Hits,
            L2Misses = stats.L2Misses,
            FactoryRuns = stats.FactoryRuns,
            StampedeJoins = stats.StampedeJoins,
            StaleServed = stats.StaleServed,
            EagerRefreshes = stats.EagerRefreshes,
            Invalidations = stats.Invalidations,
            BackplaneSent = stats.BackplaneSent,
            BackplaneReceived = stats.BackplaneReceived,
            Errors = stats.Errors,
        });
    }

    private static async ValueTask<T> InNamespace<T>(TenantCacheNamespace names, Func<ValueTask<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AllixiosException e)
        {
            throw names.WithoutPrefix(e);
        }
    }

    private TenantCacheNamespace Names(ServerCallContext context, string scope)
    {
        var caller = Caller.From(context);
        caller.Require(scope);
        return TenantCacheNamespace.For(caller.TenantId, options.Value);
    }
}
