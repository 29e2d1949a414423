using System.Text.Json.Serialization;

namespace Allixios.Caching;

/// <summary>
/// One backplane message: the keys every other node must drop from memory. <see cref="Sender"/> lets a node skip its
/// own messages; <see cref="SentAt"/> lets the receiver measure the backplane's lag.
/// </summary>
internal sealed record CacheBackplaneMessage(
    [property: JsonPropertyName("s")] string Sender,
    [property: JsonPropertyName("t")] long SentAt,
    [property: JsonPropertyName("k")] string[] Keys);
