namespace Allixios.Orchestration;

/// <summary>A job as a queue holds it.</summary>
/// <param name="Id">Its id (a version 7 UUID, so ids sort by creation time).</param>
/// <param name="TenantId">The tenant it belongs to.</param>
/// <param name="Type">Its job type, e.g. <c>content.generate</c>; names the handler that runs it.</param>
/// <param name="Payload">Its input as a JSON document, valid against the job type's schema.</param>
/// <param name="Priority">0 (lowest) to 9 (highest): within a tenant, higher runs first.</param>
/// <param name="IdempotencyKey">A key unique within the tenant: enqueueing it again returns this job; or none.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Attempt">How many times a worker has started it (since it was last re-driven).</param>
/// <param name="MaxAttempts">How many attempts it gets before it is dead-lettered.</param>
/// <param name="RunAt">When it is due (its delay, or the end of its retry backoff).</param>
/// <param name="Deadline">When it must have finished by; a job not done by then is dead-lettered. None: no deadline.</param>
/// <param name="Timeout">How long one attempt may run before it is cancelled and counted as failed.</param>
/// <param name="Tags">Labels for finding it, e.g. <c>campaign:spring</c>.</param>
/// <param name="EstimatedCost">What it is expected to cost (for budgets), or none.</param>
/// <param name="Resource">The resource it needs, e.g. an AI provider (for rate limits), or none.</param>
/// <param name="CreatedAt">When it was enqueued.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="FinishedAt">When it succeeded, was cancelled or was dead-lettered; none before.</param>
/// <param name="LastError">The error of its last failed attempt, or the reason it was cancelled.</param>
/// <param name="Progress">The last progress its handler reported.</param>
/// <param name="LeaseOwner">The worker that holds it while it runs.</param>
/// <param name="LeaseExpiresAt">When that worker's lease runs out unless it heartbeats.</param>
/// <param name="TraceParent">
/// The W3C <c>traceparent</c> of the span that enqueued it, if one was recorded: the span of each run links to it, so a
/// trace leads from enqueue to completion. None when nothing traced the enqueue.
/// </param>
public sealed record Job(
    Guid Id,
    string TenantId,
    string Type,
    string Payload,
    int Priority,
    string? IdempotencyKey,
    JobState State,
    int Attempt,
    int MaxAttempts,
    DateTimeOffset RunAt,
    DateTimeOffset? Deadline,
    TimeSpan Timeout,
    IReadOnlyList<string> Tags,
    decimal? EstimatedCost,
    string? Resource,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt = null,
    string? LastError = null,
    JobProgress? Progress = null,
    string? LeaseOwner = null,
    DateTimeOffset? LeaseExpiresAt = null,
    string? TraceParent = null);
