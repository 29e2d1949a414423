using System.Text.Json.Serialization;

namespace Allixios.N8nBridge;

/// <summary>One page of a list from n8n's public API, with the cursor of the next page.</summary>
/// <typeparam name="T">What the page lists.</typeparam>
public sealed record N8nPage<T>
{
    /// <summary>The items of this page.</summary>
    [JsonPropertyName("data")]
    public IReadOnlyList<T> Data { get; init; } = [];

    /// <summary>Pass as <c>cursor</c> to get the next page; <see langword="null"/> on the last page.</summary>
    [JsonPropertyName("nextCursor")]
    public string? NextCursor { get; init; }
}
