using StackExchange.Redis;

namespace Allixios.Usage;

/// <summary>
/// The <see cref="IRateLimitCounterStore"/> on Redis: one key per counter and window, checked and incremented by one
/// Lua script (atomic on the server), expiring two windows after it starts.
/// </summary>
public sealed class RedisRateLimitCounterStore(IConnectionMultiplexer redis, string keyPrefix = "allixios:ratelimit:") : IRateLimitCounterStore
{
    private static readonly LuaScript Script = LuaScript.Prepare("""
        local used = tonumber(redis.call('GET', @key) or '0')
        local amount = tonumber(@amount)
        if used + amount > tonumber(@limit) then return {0, used} end
        if amount == 0 then return {1, used} end
        used = redis.call('INCRBY', @key, amount)
        if used == amount then redis.call('PEXPIRE', @key, @ttl) end
        return {1, used}
        """);

    /// <inheritdoc />
    public async ValueTask<RateLimitCount> TryAddAsync(string key, long amount, long limit, DateTimeOffset windowStart, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(Script, Arguments(key, amount, limit, windowStart, window));
        return Read(result);
    }

    /// <inheritdoc />
    public RateLimitCount TryAdd(string key, long amount, long limit, DateTimeOffset windowStart, TimeSpan window) =>
        Read(redis.GetDatabase().ScriptEvaluate(Script, Arguments(key, amount, limit, windowStart, window)));

    private object Arguments(string key, long amount, long limit, DateTimeOffset windowStart, TimeSpan window) => new
    {
        key = (RedisKey)$"{keyPrefix}{key}:{windowStart.ToUnixTimeMilliseconds()}",
        amount,
        limit,
        ttl = (long)(window.TotalMilliseconds * 2),
    };

    private static RateLimitCount Read(RedisResult result)
    {
        var values = (RedisResult[])result!;
        return new RateLimitCount((long)values[0] == 1, (long)values[1]);
    }
}
