using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.N8nBridge;

/// <summary>One run of a workflow, as n8n's public API answers it (with <see cref="Data"/> when asked to include it).</summary>
public sealed record N8nExecution
{
    /// <summary>n8n's execution id.</summary>
    [JsonPropertyName("id")]
    [JsonConverter(typeof(N8nLenientStringConverter))]
    public required string Id { get; init; }

    /// <summary>The workflow that ran.</summary>
    [JsonPropertyName("workflowId")]
    [JsonConverter(typeof(N8nLenientStringConverter))]
    public required string WorkflowId { get; init; }

    /// <summary>Whether the run has finished.</summary>
    [JsonPropertyName("finished")]
    public bool Finished { get; init; }

    /// <summary>How it was started: <c>trigger</c>, <c>webhook</c>, <c>manual</c>, <c>retry</c>, <c>cli</c>…</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>Its status: <c>success</c>, <c>error</c>, <c>crashed</c>, <c>running</c>, <c>waiting</c>, <c>canceled</c>…</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>The execution this one retried, if it is a retry.</summary>
    [JsonPropertyName("retryOf")]
    [JsonConverter(typeof(N8nLenientStringConverter))]
    public string? RetryOf { get; init; }

    /// <summary>The retry of this execution that succeeded, if one did.</summary>
    [JsonPropertyName("retrySuccessId")]
    [JsonConverter(typeof(N8nLenientStringConverter))]
    public string? RetrySuccessId { get; init; }

    /// <summary>When it started.</summary>
    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it stopped, if it has.</summary>
    [JsonPropertyName("stoppedAt")]
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>Until when a waiting execution waits.</summary>
    [JsonPropertyName("waitTill")]
    public DateTimeOffset? WaitTill { get; init; }

    /// <summary>
    /// The run data, when listed or read with <c>includeData=true</c>: <c>resultData.runData[node][i]</c> holds each run
    /// of each node (<c>startTime</c>, <c>executionTime</c>, <c>executionStatus</c>, <c>error</c>, <c>source</c>).
    /// </summary>
    [JsonPropertyName("data")]
    public JsonElement? Data { get; init; }

    /// <summary>Custom data the workflow set on the execution.</summary>
    [JsonPropertyName("customData")]
    public JsonElement? CustomData { get; init; }

    /// <summary>How long it ran, when it has stopped.</summary>
    [JsonIgnore]
    public TimeSpan? Duration => StartedAt is { } start && StoppedAt is { } stop ? stop - start : null;
}
