using System.Collections.Concurrent;
using Allixios.Diagnostics;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Allixios.Caching;

/// <summary>
/// <see cref="IAllixiosCache"/> over <see cref="HybridCache"/>: HybridCache holds the entries (memory, and Redis when
/// configured), this class adds logical expiry with fail-safe, its own stampede protection (so it can count joins and
/// apply timeouts), eager refresh, dependency-aware invalidation and the backplane.
/// </summary>
/// <remarks>
/// Each entry is a <see cref="CacheEnvelope{T}"/> stored for its expiration plus the maximum staleness; whether it is
/// fresh is decided here from the envelope, with the injected <see cref="TimeProvider"/>. HybridCache is asked for one
/// level at a time (flags), so that every hit and miss can be counted per level.
/// </remarks>
internal sealed class AllixiosCache : IAllixiosCache, IDisposable
{
    private const HybridCacheEntryFlags ReadOnly = HybridCacheEntryFlags.DisableUnderlyingData
        | HybridCacheEntryFlags.DisableLocalCacheWrite
        | HybridCacheEntryFlags.DisableDistributedCacheWrite;

    private static readonly HybridCacheEntryOptions L1Read = new() { Flags = ReadOnly | HybridCacheEntryFlags.DisableDistributedCacheRead };
    private static readonly HybridCacheEntryOptions L2Read = new() { Flags = ReadOnly | HybridCacheEntryFlags.DisableLocalCacheRead };

    private readonly HybridCache _hybrid;
    private readonly ResilientDistributedCache? _l2;
    private readonly ICacheDependencyStore _store;
    private readonly RedisCacheBackplane? _backplane;
    private readonly IConnectionMultiplexer? _redis;
    private readonly AllixiosCacheOptions _options;
    private readonly ResolvedEntryOptions _defaults;
    private readonly TimeProvider _time;
    private readonly CacheClock _clock;
    private readonly ILogger _logger;
    private readonly CacheErrorReporter _errors;
    private readonly IDisposable? _owned;
    private readonly ConcurrentDictionary<string, Task> _runs = new(StringComparer.Ordinal);

    // Invalidations that could not reach the shared state while Redis was down; replayed when it is back.
    private readonly ConcurrentQueue<(string Name, bool IsTag)> _pendingInvalidations = new();

    private long _l1ValidAfter = long.MinValue;
    private readonly CacheHitCounts _hits = CacheHitCounts.Register();
    private long _l1Misses;
    private long _l2Misses;
    private long _factoryRuns;
    private long _stampedeJoins;
    private long _staleServed;
    private long _eagerRefreshes;
    private long _invalidations;
    private long _backplaneSent;
    private long _backplaneReceived;

    public AllixiosCache(
        HybridCache hybrid,
        ResilientDistributedCache? l2,
        ICacheDependencyStore store,
        RedisCacheBackplane? backplane,
        IConnectionMultiplexer? redis,
        AllixiosCacheOptions options,
        TimeProvider time,
        ILogger logger,
        CacheErrorReporter errors,
        IDisposable? owned = null)
    {
        _hybrid = hybrid;
        _l2 = l2;
        _store = store;
        _backplane = backplane;
        _redis = redis;
        _options = options;
        _defaults = ResolvedEntryOptions.From(options);
        _time = time;
        // The clock's timer holds the counts, not the cache: an undisposed cache can still be collected.
        var hits = _hits;
        _clock = new CacheClock(time, () => hits.L1);
        _logger = logger;
        _errors = errors;
        _owned = owned;

        // The hits metric is observed, so nothing on the hit path would create it: make sure it exists.
        GC.KeepAlive(CacheInstruments.Hits);
        if (_redis is not null)
        {
            _redis.ConnectionRestored += OnConnectionRestored;
        }
    }

    /// <summary>Subscribes to the backplane; the cache works without it until it succeeds.</summary>
    public async Task StartAsync()
    {
        if (_backplane is null)
        {
            return;
        }

        try
        {
            await _backplane.SubscribeAsync(OnBackplaneMessage, e => _errors.Report("backplane", e));
        }
        catch (Exception e)
        {
            // StackExchange.Redis keeps the subscription and makes it when the connection comes up.
            _errors.Report("backplane", e);
        }
    }

    public ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        AllixiosCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        CacheInput.ValidateKey(key, _options.MaxKeyLength);
        ArgumentNullException.ThrowIfNull(factory);
        var lookup = _hybrid.GetOrCreateAsync(key, 0, NoData<CacheEnvelope<T>>.Factory, L1Read, null, CancellationToken.None);
        if (!lookup.IsCompletedSuccessfully)
        {
            return AwaitL1ThenCreateAsync(lookup, key, state, factory, options, cancellationToken);
        }

        var envelope = lookup.Result;
        if (envelope is not null)
        {
            var now = _clock.HitNowMilliseconds();
            if (IsFreshInMemory(envelope, now))
            {
                CountL1Hit();
                if (now >= envelope.RefreshAt)
                {
                    StartEagerRefresh(key, state, factory, options);
                }

                return new ValueTask<T>(envelope.Value);
            }
        }

        return CreateAfterL1MissAsync(key, state, factory, options, envelope, cancellationToken);
    }

    public async ValueTask<CacheLookup<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        CacheInput.ValidateKey(key, _options.MaxKeyLength);
        var envelope = await _hybrid.GetOrCreateAsync(key, 0, NoData<CacheEnvelope<T>>.Factory, L1Read, null, cancellationToken);
        var now = Now();
        if (envelope is not null && IsFreshInMemory(envelope, now))
        {
            CountL1Hit();
            return new CacheLookup<T>(true, envelope.Value);
        }

        CountMiss("l1", ref _l1Misses);
        var fromL2 = await ReadL2Async<T>(key, now, cancellationToken);
        return fromL2 is not null && now < fromL2.ExpiresAt ? new CacheLookup<T>(true, fromL2.Value) : default;
    }

    public async ValueTask SetAsync<T>(string key, T value, AllixiosCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        CacheInput.ValidateKey(key, _options.MaxKeyLength);
        var entry = Resolve(options);
        CacheInput.ValidateSize(value, _options.MaxValueBytes);
        await StoreAsync(key, NewEnvelope(value, entry, Now()), entry);
        await PublishAsync([key]);
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        CacheInput.ValidateKey(key, _options.MaxKeyLength);
        await RemoveEverywhereAsync([key], "remove");
    }

    public async ValueTask<int> InvalidateKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        CacheInput.ValidateKey(key, _options.MaxKeyLength);
        return await InvalidateAsync(key, isTag: false, cancellationToken);
    }

    public async ValueTask<int> InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        CacheInput.ValidateTag(tag);
        bool known;
        try
        {
            known = await StoreCallAsync(() => _store.IsKnownTagAsync(tag, cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without the shared state the tag cannot be checked; a typo then costs a needless invalidation, which is
            // better than failing the call because Redis is down.
            _errors.Report("dependency_store", e);
            known = true;
        }

        if (!known)
        {
            throw AllixiosException.Invalid(
                "cache_tag_unknown",
                $"No cache entry carries the tag '{tag}' (none was stored with it within the entries' lifetime). Check the tag's spelling; tags are case-sensitive.");
        }

        return await InvalidateAsync(tag, isTag: true, cancellationToken);
    }

    public AllixiosCacheStats GetStats() => new()
    {
        L1Hits = _hits.L1,
        L1Misses = Interlocked.Read(ref _l1Misses),
        L2Hits = _hits.L2,
        L2Misses = Interlocked.Read(ref _l2Misses),
        FactoryRuns = Interlocked.Read(ref _factoryRuns),
        StampedeJoins = Interlocked.Read(ref _stampedeJoins),
        StaleServed = Interlocked.Read(ref _staleServed),
        EagerRefreshes = Interlocked.Read(ref _eagerRefreshes),
        Invalidations = Interlocked.Read(ref _invalidations),
        BackplaneSent = Interlocked.Read(ref _backplaneSent),
        BackplaneReceived = Interlocked.Read(ref _backplaneReceived),
        Errors = _errors.Count,
    };

    public void Dispose()
    {
        _hits.Retire();
        if (_redis is not null)
        {
            _redis.ConnectionRestored -= OnConnectionRestored;
        }

        try
        {
            _backplane?.Unsubscribe();
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            // Shutting down: nothing to unsubscribe from.
        }

        _clock.Dispose();
        _owned?.Dispose();
    }

    private bool IsFreshInMemory<T>(CacheEnvelope<T> envelope, long now) =>
        now < envelope.LocalFreshUntil && envelope.LocalStoredAt >= Volatile.Read(ref _l1ValidAfter);

    private async ValueTask<T> AwaitL1ThenCreateAsync<TState, T>(
        ValueTask<CacheEnvelope<T>?> lookup,
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        AllixiosCacheEntryOptions? options,
        CancellationToken cancellationToken)
    {
        var envelope = await lookup;
        if (envelope is not null && IsFreshInMemory(envelope, Now()))
        {
            CountL1Hit();
            return envelope.Value;
        }

        return await CreateAfterL1MissAsync(key, state, factory, options, envelope, cancellationToken);
    }

    private async ValueTask<T> CreateAfterL1MissAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        AllixiosCacheEntryOptions? options,
        CacheEnvelope<T>? fromL1,
        CancellationToken cancellationToken)
    {
        var entry = Resolve(options);
        CountMiss("l1", ref _l1Misses);
        var now = Now();
        var stale = fromL1;
        var fromL2 = await ReadL2Async<T>(key, now, cancellationToken);
        if (fromL2 is not null)
        {
            if (now < fromL2.ExpiresAt)
            {
                await PutInMemoryAsync(key, fromL2, entry, now);
                return fromL2.Value;
            }

            stale = stale is null || fromL2.CreatedAt > stale.CreatedAt ? fromL2 : stale;
        }

        return await RunFactoryAsync(key, state, factory, entry, stale, cancellationToken);
    }

    /// <summary>The envelope in Redis, counted as an L2 hit only when fresh; null without Redis.</summary>
    private async ValueTask<CacheEnvelope<T>?> ReadL2Async<T>(string key, long now, CancellationToken cancellationToken)
    {
        if (_l2 is null)
        {
            return null;
        }

        var envelope = await _hybrid.GetOrCreateAsync(key, 0, NoData<CacheEnvelope<T>>.Factory, L2Read, null, cancellationToken);
        if (envelope is not null && now < envelope.ExpiresAt)
        {
            _hits.HitL2();
        }
        else
        {
            CountMiss("l2", ref _l2Misses);
        }

        return envelope;
    }

    private async ValueTask<T> RunFactoryAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        ResolvedEntryOptions entry,
        CacheEnvelope<T>? stale,
        CancellationToken cancellationToken)
    {
        var run = JoinOrStart(key, state, factory, entry, refresh: false, out var joined);
        if (joined)
        {
            Interlocked.Increment(ref _stampedeJoins);
            CacheInstruments.StampedeJoins.Add(1);
        }

        var now = Now();
        var canServeStale = stale is not null && entry.MaxStaleness > TimeSpan.Zero && now - stale.ExpiresAt <= (long)entry.MaxStaleness.TotalMilliseconds;
        try
        {
            var made = canServeStale && entry.SoftTimeout > TimeSpan.Zero
                ? await run.WaitAsync(entry.SoftTimeout, _time, cancellationToken)
                : await run.WaitAsync(cancellationToken);
            return made.Value;
        }
        catch (TimeoutException) when (!run.IsCompleted)
        {
            // Soft timeout: the factory goes on in the background and stores its value when it has one.
            return ServeStale(stale!);
        }
        catch (Exception e) when (canServeStale && e is not OperationCanceledException && e is not AllixiosException)
        {
            _errors.Report("factory", e);

            // Throttle: serve the stale value from memory for a while instead of calling a failing factory on every request.
            var throttled = stale!.WithExpiry(Now() + (long)_options.FailSafeThrottle.TotalMilliseconds);
            await PutInMemoryAsync(key, throttled, entry, Now());
            return ServeStale(stale);
        }
    }

    private T ServeStale<T>(CacheEnvelope<T> stale)
    {
        Interlocked.Increment(ref _staleServed);
        CacheInstruments.StaleServed.Add(1);
        return stale.Value;
    }

    /// <summary>The factory run under way for <paramref name="key"/>, or a new one: one run per key at a time.</summary>
    private Task<CacheEnvelope<T>> JoinOrStart<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        ResolvedEntryOptions entry,
        bool refresh,
        out bool joined)
    {
        while (true)
        {
            if (_runs.TryGetValue(key, out var existing))
            {
                if (existing.IsCompleted)
                {
                    _runs.TryRemove(new KeyValuePair<string, Task>(key, existing));
                    continue;
                }

                if (existing is Task<CacheEnvelope<T>> same)
                {
                    joined = true;
                    return same;
                }

                // The same key asked for as another type: no sharing possible; run alone.
                joined = false;
                return RunAsync(key, state, factory, entry, refresh, null);
            }

            var completion = new TaskCompletionSource<CacheEnvelope<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_runs.TryAdd(key, completion.Task))
            {
                // Nobody may be waiting when the factory fails (the caller got a stale value after a soft timeout).
                _ = completion.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                _ = RunAsync(key, state, factory, entry, refresh, completion);
                joined = false;
                return completion.Task;
            }
        }
    }

    private async Task<CacheEnvelope<T>> RunAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        ResolvedEntryOptions entry,
        bool refresh,
        TaskCompletionSource<CacheEnvelope<T>>? completion)
    {
        // Yield so that the caller that started the run waits on it like the others, and a synchronous factory does
        // not run while the run is being registered.
        await Task.Yield();
        using var hardTimeout = entry.HardTimeout > TimeSpan.Zero ? new CancellationTokenSource(entry.HardTimeout, _time) : null;
        try
        {
            if (!refresh)
            {
                // A caller that missed memory just before the previous run stored its value and ended would run the
                // factory again: look once more now that this run is the only one.
                var current = await _hybrid.GetOrCreateAsync(key, 0, NoData<CacheEnvelope<T>>.Factory, L1Read, null, CancellationToken.None);
                if (current is not null && IsFreshInMemory(current, Now()))
                {
                    EndRun(key, completion);
                    completion?.TrySetResult(current);
                    return current;
                }
            }

            Interlocked.Increment(ref _factoryRuns);
            CacheInstruments.FactoryRuns.Add(1);
            T value;
            try
            {
                // The callers' tokens do not cancel the run: others may be waiting on it. Each caller stops waiting on its own.
                value = await factory(state, hardTimeout?.Token ?? CancellationToken.None);
            }
            catch (OperationCanceledException) when (hardTimeout?.IsCancellationRequested == true)
            {
                throw new TimeoutException($"The factory of cache key '{key}' did not finish within its hard timeout of {entry.HardTimeout}.");
            }

            CacheInput.ValidateSize(value, _options.MaxValueBytes);
            var envelope = NewEnvelope(value, entry, Now());
            await StoreAsync(key, envelope, entry);

            // Leave the table before completing: a caller that comes after the completion must start afresh (and
            // find the value in memory), not join a run that is over.
            EndRun(key, completion);
            completion?.TrySetResult(envelope);
            return envelope;
        }
        catch (Exception e) when (completion is not null)
        {
            EndRun(key, completion);
            completion.TrySetException(e);
            return null!;
        }
    }

    private void EndRun<T>(string key, TaskCompletionSource<CacheEnvelope<T>>? completion)
    {
        if (completion is not null)
        {
            _runs.TryRemove(new KeyValuePair<string, Task>(key, completion.Task));
        }
    }

    private void StartEagerRefresh<TState, T>(string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, AllixiosCacheEntryOptions? options)
    {
        if (_runs.ContainsKey(key))
        {
            return;
        }

        ResolvedEntryOptions entry;
        try
        {
            entry = Resolve(options);
        }
        catch (AllixiosException)
        {
            return;
        }

        var run = JoinOrStart(key, state, factory, entry, refresh: true, out var joined);
        if (!joined)
        {
            Interlocked.Increment(ref _eagerRefreshes);
            CacheInstruments.EagerRefreshes.Add(1);
            _ = run.ContinueWith(
                static (t, s) => ((CacheErrorReporter)s!).Report("factory", t.Exception!.GetBaseException()),
                _errors,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private static CacheEnvelope<T> NewEnvelope<T>(T value, ResolvedEntryOptions entry, long now)
    {
        var lifetime = (long)entry.Expiration.TotalMilliseconds;
        return new CacheEnvelope<T>
        {
            Value = value,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            RefreshAt = entry.EagerRefreshThreshold > 0 ? now + (long)(lifetime * entry.EagerRefreshThreshold) : long.MaxValue,
            Tags = entry.Tags,
            DependsOn = entry.DependsOn,
        };
    }

    /// <summary>Writes the entry to memory and Redis and records its tags and dependencies; Redis errors are swallowed.</summary>
    private async Task StoreAsync<T>(string key, CacheEnvelope<T> envelope, ResolvedEntryOptions entry)
    {
        var now = Now();
        var physical = entry.PhysicalLifetime;
        envelope.LocalStoredAt = now;
        envelope.LocalFreshUntil = Math.Min(envelope.ExpiresAt, now + (long)entry.LocalExpiration.TotalMilliseconds);
        var local = Min(entry.LocalExpiration, entry.Expiration) + entry.MaxStaleness;
        await _hybrid.SetAsync(key, envelope, new HybridCacheEntryOptions { Expiration = physical, LocalCacheExpiration = local }, null, CancellationToken.None);
        if (entry.Tags is null && entry.DependsOn is null)
        {
            return;
        }

        try
        {
            await StoreCallAsync(() => _store.TrackAsync(key, entry.Tags ?? [], entry.DependsOn ?? [], physical));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _errors.Report("dependency_store", e);
        }
    }

    /// <summary>Puts an envelope read from Redis (or a throttled stale one) in this node's memory only.</summary>
    private async Task PutInMemoryAsync<T>(string key, CacheEnvelope<T> envelope, ResolvedEntryOptions entry, long now)
    {
        envelope.LocalStoredAt = now;
        envelope.LocalFreshUntil = Math.Min(envelope.ExpiresAt, now + (long)entry.LocalExpiration.TotalMilliseconds);
        var local = Min(entry.LocalExpiration, entry.Expiration) + entry.MaxStaleness;
        await _hybrid.SetAsync(key, envelope, new HybridCacheEntryOptions { LocalCacheExpiration = local, Expiration = local, Flags = HybridCacheEntryFlags.DisableDistributedCacheWrite }, null, CancellationToken.None);
    }

    private async Task<int> InvalidateAsync(string name, bool isTag, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await CollectAsync(name, isTag, keys, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The shared state is out of reach, so the dependents are unknown: replay this invalidation when Redis is
            // back, and meanwhile treat everything in this node's memory as suspect.
            _errors.Report("dependency_store", e);
            _pendingInvalidations.Enqueue((name, isTag));
            Volatile.Write(ref _l1ValidAfter, Now() + 1);
        }

        await RemoveEverywhereAsync([.. keys], isTag ? "tag" : "key");
        return keys.Count;
    }

    /// <summary>Every key reached from <paramref name="name"/> through tag and dependency edges; the visited set ends cycles.</summary>
    private async Task CollectAsync(string name, bool isTag, HashSet<string> keys, CancellationToken cancellationToken)
    {
        var queue = new Queue<string>();
        if (isTag)
        {
            foreach (var tagged in await StoreCallAsync(() => _store.TakeTaggedAsync(name, cancellationToken)))
            {
                if (keys.Add(tagged))
                {
                    queue.Enqueue(tagged);
                }
            }
        }
        else
        {
            keys.Add(name);
            queue.Enqueue(name);
        }

        while (queue.TryDequeue(out var key))
        {
            foreach (var dependent in await StoreCallAsync(() => _store.TakeDependentsAsync(key, cancellationToken)))
            {
                if (keys.Add(dependent))
                {
                    queue.Enqueue(dependent);
                }
            }
        }
    }

    private async Task RemoveEverywhereAsync(string[] keys, string cause)
    {
        if (keys.Length == 0)
        {
            return;
        }

        await _hybrid.RemoveAsync(keys, CancellationToken.None);
        Interlocked.Add(ref _invalidations, keys.Length);
        CacheInstruments.Invalidations.Add(keys.Length, new KeyValuePair<string, object?>("cause", cause));
        await PublishAsync(keys);
    }

    private async Task PublishAsync(string[] keys)
    {
        if (_backplane is null)
        {
            return;
        }

        if (_redis?.IsConnected == false)
        {
            // The others cannot hear it now; they distrust their memory when they reconnect (see OnConnectionRestored).
            _errors.Report("backplane", new InvalidOperationException("Redis is not connected; the backplane message was not sent."));
            return;
        }

        try
        {
            await _backplane.PublishAsync(keys, Now()).WaitAsync(_options.DistributedTimeout, _time);
            Interlocked.Increment(ref _backplaneSent);
            CacheInstruments.BackplaneMessages.Add(1, new KeyValuePair<string, object?>("direction", "sent"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _errors.Report("backplane", e);
        }
    }

    private void OnBackplaneMessage(CacheBackplaneMessage message)
    {
        Interlocked.Increment(ref _backplaneReceived);
        CacheInstruments.BackplaneMessages.Add(1, new KeyValuePair<string, object?>("direction", "received"));
        CacheInstruments.BackplaneLag.Record(Math.Max(0, Now() - message.SentAt));
        _ = DropFromMemoryAsync(message.Keys);
    }

    private async Task DropFromMemoryAsync(string[] keys)
    {
        try
        {
            using (_l2?.LocalOnly())
            {
                await _hybrid.RemoveAsync(keys, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            _errors.Report("backplane", e);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // While the connection was down this node heard no backplane message (pub/sub keeps nothing for a subscriber
        // that is away), so any entry in its memory may have been invalidated elsewhere. Entries stored before now are
        // therefore no longer served as fresh from memory: the next call revalidates against Redis or the factory
        // (they remain available as stale values for fail-safe). StackExchange.Redis restores the subscription itself.
        Volatile.Write(ref _l1ValidAfter, Now() + 1);
        _logger.LogInformation(AllixiosLogEvents.CacheReconnected, "The cache's Redis connection ({ConnectionType}) is back; entries in memory from before it will be revalidated.", e.ConnectionType);
        _ = ReplayPendingInvalidationsAsync();
    }

    private async Task ReplayPendingInvalidationsAsync()
    {
        var pending = new List<(string Name, bool IsTag)>();
        while (_pendingInvalidations.TryDequeue(out var item))
        {
            pending.Add(item);
        }

        foreach (var (name, isTag) in pending)
        {
            await InvalidateAsync(name, isTag, CancellationToken.None);
        }
    }

    /// <summary>
    /// A call to the dependency store, bounded like an L2 read. While Redis is disconnected StackExchange.Redis would
    /// queue the command until its own timeout (seconds), so the call fails at once instead and the caller falls back.
    /// </summary>
    private async Task<TResult> StoreCallAsync<TResult>(Func<ValueTask<TResult>> start)
    {
        EnsureRedisConnected();
        var call = start();
        return call.IsCompletedSuccessfully ? call.Result : await call.AsTask().WaitAsync(_options.DistributedTimeout, _time);
    }

    private async Task StoreCallAsync(Func<ValueTask> start)
    {
        EnsureRedisConnected();
        var call = start();
        if (!call.IsCompletedSuccessfully)
        {
            await call.AsTask().WaitAsync(_options.DistributedTimeout, _time);
        }
    }

    private void EnsureRedisConnected()
    {
        if (_redis is { IsConnected: false })
        {
            throw new InvalidOperationException("Redis is not connected; the cache's tag and dependency state is out of reach.");
        }
    }

    private ResolvedEntryOptions Resolve(AllixiosCacheEntryOptions? options) => options is null ? _defaults : CacheInput.Resolve(options, _options);

    private long Now() => _clock.NowMilliseconds();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    // The allixios.cache.hits metric is observed from these counts (CacheHitCounts), not added to here.
    private void CountL1Hit() => _hits.HitL1();

    private static void CountMiss(string level, ref long counter)
    {
        Interlocked.Increment(ref counter);
        CacheInstruments.Misses.Add(1, new KeyValuePair<string, object?>("level", level));
    }

    /// <summary>The factory handed to HybridCache for reads: never called, since reads disable the underlying data.</summary>
    private static class NoData<TValue>
        where TValue : class
    {
        public static readonly Func<int, CancellationToken, ValueTask<TValue?>> Factory = static (_, _) => default;
    }
}
