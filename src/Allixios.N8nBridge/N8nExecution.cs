using System.Text.Json.Serialization;

namespace Allixios.N8nBridge;

/// <summary>One run of a workflow, as n8n's public API lists it.</summary>
public sealed record N8nExecution
{
    /// <summary>n8n's execution id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The workflow that ran.</summary>
    [JsonPropertyName("workflowId")]
    public required string WorkflowId { get; init; }

    /// <summary>Whether the run has finished.</summary>
    [JsonPropertyName("finished")]
    public bool Finished { get; init; }

    /// <summary>How it was started: <c>trigger</c>, <c>webhook</c>, <c>manual</c>, <c>retry</c>…</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>Its status: <c>success</c>, <c>error</c>, <c>running</c>, <c>waiting</c>, <c>canceled</c>…</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>When it started.</summary>
    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it stopped, if it has.</summary>
    [JsonPropertyName("stoppedAt")]
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>How long it ran, when it has stopped.</summary>
    public TimeSpan? Duration => StartedAt is { } start && StoppedAt is { } stop ? stop - start : null;
}
