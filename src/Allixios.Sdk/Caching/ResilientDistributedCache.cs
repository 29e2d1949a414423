using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace Allixios.Caching;

/// <summary>
/// The L2 that HybridCache sees: Redis (through <c>Microsoft.Extensions.Caching.StackExchangeRedis</c>) that never
/// throws. While the connection is down it answers "miss" and skips writes at once instead of queueing commands
/// until they time out, so that no caller waits for, or fails because of, a Redis that is not there.
/// </summary>
internal sealed class ResilientDistributedCache(IDistributedCache inner, IConnectionMultiplexer redis, CacheErrorReporter errors, TimeProvider time, TimeSpan timeout) : IDistributedCache
{
    private const string Source = "l2";

    // Backplane messages remove a key from this node's memory only: the sender has already removed it from Redis,
    // and removing it again here could delete a newer value another node has written since.
    private readonly AsyncLocal<bool> _localOnly = new();

    /// <summary>Until the returned scope is disposed, removals on this async flow skip Redis.</summary>
    public LocalOnlyScope LocalOnly()
    {
        _localOnly.Value = true;
        return new LocalOnlyScope(this);
    }

    public byte[]? Get(string key) => ReadAsync(key, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => ReadAsync(key, token).AsTask();

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            await inner.SetAsync(key, value, options, token).WaitAsync(timeout, time, token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            errors.Report(Source, e);
        }
    }

    public void Refresh(string key)
    {
        // HybridCache does not use sliding expiration; nothing to refresh.
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        if (_localOnly.Value || !redis.IsConnected)
        {
            return;
        }

        try
        {
            await inner.RemoveAsync(key, token).WaitAsync(timeout, time, token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            errors.Report(Source, e);
        }
    }

    private async ValueTask<byte[]?> ReadAsync(string key, CancellationToken token)
    {
        if (!redis.IsConnected)
        {
            return null;
        }

        try
        {
            return await inner.GetAsync(key, token).WaitAsync(timeout, time, token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            errors.Report(Source, e);
            return null;
        }
    }

    /// <summary>Ends <see cref="LocalOnly"/>.</summary>
    internal readonly struct LocalOnlyScope(ResilientDistributedCache owner) : IDisposable
    {
        public void Dispose() => owner._localOnly.Value = false;
    }
}
