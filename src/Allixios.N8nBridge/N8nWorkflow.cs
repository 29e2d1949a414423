using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.N8nBridge;

/// <summary>
/// A workflow as n8n's public API returns it. Properties this type does not name (<c>pinData</c>, <c>meta</c>,
/// <c>shared</c>, <c>activeVersion</c>, …) are kept in <see cref="AdditionalProperties"/>, so serialising it again gives
/// back everything n8n sent.
/// </summary>
public sealed record N8nWorkflow
{
    /// <summary>n8n's workflow id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The workflow's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Whether its triggers are live (published, on n8n 2.x).</summary>
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

    /// <summary>Whether n8n archived it.</summary>
    [JsonPropertyName("isArchived")]
    public bool? IsArchived { get; init; }

    /// <summary>Its tags.</summary>
    [JsonPropertyName("tags")]
    public IReadOnlyList<N8nTag> Tags { get; init; } = [];

    /// <summary>Its nodes, as n8n's JSON (kept whole so nothing is lost in a round trip).</summary>
    [JsonPropertyName("nodes")]
    public JsonElement Nodes { get; init; }

    /// <summary>Its connections, as n8n's JSON: source node name → output type → output index → targets.</summary>
    [JsonPropertyName("connections")]
    public JsonElement Connections { get; init; }

    /// <summary>Its settings (<c>executionOrder</c>, <c>timezone</c>, <c>errorWorkflow</c>, …), as n8n's JSON.</summary>
    [JsonPropertyName("settings")]
    public JsonElement? Settings { get; init; }

    /// <summary>The data its trigger nodes keep between runs, as n8n's JSON.</summary>
    [JsonPropertyName("staticData")]
    public JsonElement? StaticData { get; init; }

    /// <summary>Whatever else n8n sent, kept for a faithful round trip.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; init; }
}
