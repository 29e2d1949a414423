using System.Text.Json.Serialization;

namespace Allixios.N8nBridge;

/// <summary>A workflow tag.</summary>
/// <param name="Id">n8n's tag id.</param>
/// <param name="Name">The tag's name.</param>
public sealed record N8nTag(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name);

/// <summary>A tag named by id, as <c>PUT /workflows/{id}/tags</c> takes it.</summary>
/// <param name="Id">n8n's tag id.</param>
public sealed record N8nTagId([property: JsonPropertyName("id")] string Id);
