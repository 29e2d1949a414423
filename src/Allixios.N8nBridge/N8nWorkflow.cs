using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.N8nBridge;

/// <summary>A workflow as n8n's public API returns it.</summary>
public sealed record N8nWorkflow
{
    /// <summary>n8n's workflow id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The workflow's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Whether its triggers are live.</summary>
    [JsonPropertyName("active")]
    public bool Active { get; init; }

    /// <summary>When it was created.</summary>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    [JsonPropertyName("updatedAt")]
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The version id n8n gives each saved version, where the n8n version has one.</summary>
    [JsonPropertyName("versionId")]
    public string? VersionId { get; init; }

    /// <summary>Its tags.</summary>
    [JsonPropertyName("tags")]
    public IReadOnlyList<N8nTag> Tags { get; init; } = [];

    /// <summary>Its nodes, as n8n's JSON (kept whole so nothing is lost in a round trip).</summary>
    [JsonPropertyName("nodes")]
    public JsonElement Nodes { get; init; }

    /// <summary>Its connections, as n8n's JSON.</summary>
    [JsonPropertyName("connections")]
    public JsonElement Connections { get; init; }
}

/// <summary>A workflow tag.</summary>
/// <param name="Id">n8n's tag id.</param>
/// <param name="Name">The tag's name.</param>
public sealed record N8nTag(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name);
