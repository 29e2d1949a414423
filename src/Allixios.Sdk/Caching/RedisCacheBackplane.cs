using System.Text.Json;
using StackExchange.Redis;

namespace Allixios.Caching;

/// <summary>
/// Redis pub/sub between the nodes that share a Redis: a node publishes the keys it removed or invalidated, every other
/// node drops them from its memory (L1). Pub/sub delivers to whoever is connected at the time and keeps nothing, so
/// a node that was disconnected misses messages; <see cref="AllixiosCache"/> treats its memory as suspect after a reconnect.
/// </summary>
internal sealed class RedisCacheBackplane(IConnectionMultiplexer redis, string prefix, string nodeId)
{
    private readonly RedisChannel _channel = RedisChannel.Literal(prefix + "backplane");

    public string NodeId { get; } = nodeId;

    /// <summary>Subscribes <paramref name="onMessage"/> to other nodes' messages (StackExchange.Redis restores the subscription after a reconnect).</summary>
    public Task SubscribeAsync(Action<CacheBackplaneMessage> onMessage, Action<Exception> onError) =>
        redis.GetSubscriber().SubscribeAsync(_channel, (_, payload) =>
        {
            if (payload.IsNullOrEmpty)
            {
                return;
            }

            try
            {
                var message = JsonSerializer.Deserialize<CacheBackplaneMessage>((byte[])payload!);
                if (message is { Keys: not null } && message.Sender != NodeId)
                {
                    onMessage(message);
                }
            }
            catch (JsonException e)
            {
                onError(e);
            }
        });

    /// <summary>Stops listening without waiting for Redis (it may be gone when the node shuts down).</summary>
    public void Unsubscribe() => redis.GetSubscriber().Unsubscribe(_channel, flags: CommandFlags.FireAndForget);

    public async Task PublishAsync(string[] keys, long sentAt) =>
        await redis.GetSubscriber().PublishAsync(_channel, JsonSerializer.SerializeToUtf8Bytes(new CacheBackplaneMessage(NodeId, sentAt, keys)));
}
