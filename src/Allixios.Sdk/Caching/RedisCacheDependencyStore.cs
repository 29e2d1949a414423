using StackExchange.Redis;

namespace Allixios.Caching;

/// <summary>
/// The tag and dependency state in Redis, shared by every node: a set of dependent keys per tag and per key, and a
/// marker per tag in use, each expiring with the longest-lived entry that added to it. Errors are thrown; the cache
/// decides what to do without the state.
/// </summary>
public sealed class RedisCacheDependencyStore(IConnectionMultiplexer redis, string prefix) : ICacheDependencyStore
{
    /// <inheritdoc />
    public async ValueTask TrackAsync(string key, IReadOnlyList<string> tags, IReadOnlyList<string> dependsOn, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(dependsOn);
        if (tags.Count == 0 && dependsOn.Count == 0)
        {
            return;
        }

        var batch = redis.GetDatabase().CreateBatch();
        var pending = new List<Task>();
        foreach (var tag in tags)
        {
            AddEdge(batch, pending, TaggedKey(tag), key, lifetime);
            var known = KnownKey(tag);
            pending.Add(batch.StringSetAsync(known, 1, when: When.NotExists));
            ExtendTo(batch, pending, known, lifetime);
        }

        foreach (var dependency in dependsOn)
        {
            AddEdge(batch, pending, DependentsKey(dependency), key, lifetime);
        }

        batch.Execute();
        await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> IsKnownTagAsync(string tag, CancellationToken cancellationToken = default) =>
        await redis.GetDatabase().KeyExistsAsync(KnownKey(tag)).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyCollection<string>> TakeTaggedAsync(string tag, CancellationToken cancellationToken = default) => TakeAsync(TaggedKey(tag), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyCollection<string>> TakeDependentsAsync(string key, CancellationToken cancellationToken = default) => TakeAsync(DependentsKey(key), cancellationToken);

    private async ValueTask<IReadOnlyCollection<string>> TakeAsync(RedisKey set, CancellationToken cancellationToken)
    {
        // MULTI/EXEC: no member added between the read and the delete is lost.
        var transaction = redis.GetDatabase().CreateTransaction();
        var members = transaction.SetMembersAsync(set);
        _ = transaction.KeyDeleteAsync(set);
        await transaction.ExecuteAsync().WaitAsync(cancellationToken);
        return (await members).Select(m => m.ToString()).ToArray();
    }

    private static void AddEdge(IBatch batch, List<Task> pending, RedisKey set, string key, TimeSpan lifetime)
    {
        pending.Add(batch.SetAddAsync(set, key));
        ExtendTo(batch, pending, set, lifetime);
    }

    // A set holds the edges of entries with different lifetimes: give it a lifetime if it has none (NX), and only ever
    // lengthen it (GT), so that a short-lived entry never cuts the edges of a long-lived one.
    private static void ExtendTo(IBatch batch, List<Task> pending, RedisKey key, TimeSpan lifetime)
    {
        pending.Add(batch.KeyExpireAsync(key, lifetime, ExpireWhen.HasNoExpiry));
        pending.Add(batch.KeyExpireAsync(key, lifetime, ExpireWhen.GreaterThanCurrentExpiry));
    }

    private RedisKey TaggedKey(string tag) => prefix + "tagged:" + tag;

    private RedisKey DependentsKey(string key) => prefix + "dependents:" + key;

    private RedisKey KnownKey(string tag) => prefix + "tag:" + tag;
}
