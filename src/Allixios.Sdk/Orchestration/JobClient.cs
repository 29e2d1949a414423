using System.Diagnostics;
using System.Globalization;
using Allixios.Diagnostics;
using Allixios.Tenancy;
using Microsoft.Extensions.Options;
using NJsonSchema.Validation;

namespace Allixios.Orchestration;

/// <summary>
/// Enqueues, reads, cancels and re-drives jobs for a tenant, validating every input first: a request that fails
/// validation changes nothing and says what to fix. Hosts call it after checking the caller's scopes.
/// </summary>
public sealed class JobClient(IJobQueue queue, JobTypeRegistry types, IOptions<OrchestrationOptions> options, TimeProvider time)
{
    private const int MaxTags = 20;
    private const int MaxLabelLength = 100;
    private const int MaxIdempotencyKeyLength = 200;
    private const int MaxSchemaErrorsListed = 20;
    private const int MaxBatchSize = 500;
    private const int MaxPageSize = 500;

    private readonly SequentialJobIds _ids = new();

    /// <summary>Enqueues a job for <paramref name="tenantId"/>, or returns the job its idempotency key names.</summary>
    /// <exception cref="AllixiosException">InvalidArgument: an unknown job type, a payload the type's schema rejects, or an option out of range.</exception>
    public async ValueTask<EnqueuedJob> EnqueueAsync(string tenantId, NewJob request, CancellationToken cancellationToken = default)
    {
        var job = await ValidateAsync(tenantId, request, cancellationToken);
        return await AddAsync(job, cancellationToken);
    }

    /// <summary>
    /// Enqueues several jobs for <paramref name="tenantId"/>, in order, after validating all of them: when any is invalid,
    /// none is enqueued and the error names its index.
    /// </summary>
    /// <exception cref="AllixiosException">InvalidArgument: an empty or too large batch, or an invalid job (see <see cref="EnqueueAsync"/>).</exception>
    public async ValueTask<IReadOnlyList<EnqueuedJob>> EnqueueBatchAsync(string tenantId, IReadOnlyList<NewJob> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count is 0 or > MaxBatchSize)
        {
            throw AllixiosException.Invalid("invalid_batch_size", $"A batch has {requests.Count} jobs: send 1 to {MaxBatchSize}.");
        }

        var jobs = new List<Job>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            try
            {
                jobs.Add(await ValidateAsync(tenantId, requests[i], cancellationToken));
            }
            catch (AllixiosException e) when (e.Kind == AllixiosErrorKind.InvalidArgument)
            {
                throw new AllixiosException(e.Kind, e.Reason, $"jobs[{i}]: {e.Message} Nothing in the batch was enqueued.");
            }
        }

        // One span for the batch, whose context every job carries (as a single enqueue's job does), so that each run links to it.
        using var activity = AllixiosTelemetry.ActivitySource.StartActivity("job.enqueue_batch", ActivityKind.Producer);
        activity?.SetTag("allixios.tenant", tenantId);
        activity?.SetTag("allixios.jobs", jobs.Count);
        if ((activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
        {
            for (var i = 0; i < jobs.Count; i++)
            {
                jobs[i] = jobs[i] with { TraceParent = traceParent };
            }
        }

        // One write for the batch: it is enqueued whole or (on a storage failure) not at all.
        var enqueued = await queue.EnqueueBatchAsync(jobs, cancellationToken);
        foreach (var group in enqueued.Where(e => e.Created).GroupBy(e => e.Job.Type, StringComparer.Ordinal))
        {
            AllixiosTelemetry.JobsEnqueued.Add(group.Count(), new KeyValuePair<string, object?>("job_type", group.Key));
        }

        return enqueued;
    }

    /// <summary>
    /// Enqueues a workflow for <paramref name="tenantId"/>: its steps are jobs, and a step that depends on others is
    /// <see cref="JobState.Waiting"/> until they all succeeded, then runs like any job; when one of them is dead-lettered
    /// or cancelled, it is cancelled with a reason naming that dependency (and so are the steps that depend on it). All
    /// the steps are validated first and enqueued together, in one transaction on PostgreSQL. Returns the jobs in the
    /// order of <paramref name="steps"/>.
    /// </summary>
    /// <exception cref="AllixiosException">
    /// InvalidArgument: no or too many steps, a missing or repeated step name, a dependency on an unknown step or on
    /// itself, a cycle (spelled out), an idempotency key on a step, or an invalid job (see <see cref="EnqueueAsync"/>).
    /// </exception>
    public async ValueTask<IReadOnlyList<Job>> EnqueueWorkflowAsync(string tenantId, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(steps);
        TenantIds.Validate(tenantId);
        WorkflowPlan.Order(steps);
        var jobs = new Job[steps.Count];
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.Job.IdempotencyKey is not null)
            {
                throw AllixiosException.Invalid("invalid_workflow", $"Step '{step.Name}' has an idempotency key: workflow steps take none, as a workflow is enqueued whole or not at all.");
            }

            try
            {
                jobs[i] = await ValidateAsync(tenantId, step.Job, cancellationToken);
            }
            catch (AllixiosException e) when (e.Kind == AllixiosErrorKind.InvalidArgument)
            {
                throw new AllixiosException(e.Kind, e.Reason, $"Step '{step.Name}': {e.Message} Nothing in the workflow was enqueued.");
            }

            if (step.DependsOn.Count > 0)
            {
                jobs[i] = jobs[i] with { State = JobState.Waiting };
            }

            ids[step.Name] = jobs[i].Id;
        }

        var dependencies = steps
            .SelectMany((step, i) => step.DependsOn.Distinct(StringComparer.Ordinal).Select(name => new JobDependency(jobs[i].Id, ids[name])))
            .ToList();
        var enqueued = await queue.EnqueueWorkflowAsync(jobs, dependencies, cancellationToken);
        foreach (var job in enqueued)
        {
            AllixiosTelemetry.JobsEnqueued.Add(1, new KeyValuePair<string, object?>("job_type", job.Type));
        }

        return enqueued;
    }

    /// <summary>The tenant's jobs that match <paramref name="query"/>, newest first.</summary>
    /// <exception cref="AllixiosException">InvalidArgument: a limit out of range or a blank filter.</exception>
    public ValueTask<IReadOnlyList<Job>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        TenantIds.Validate(query.TenantId);
        if (query.Limit is < 1 or > MaxPageSize)
        {
            throw AllixiosException.Invalid("invalid_page_size", $"Page size {query.Limit} is out of range: use 1 to {MaxPageSize}.");
        }

        if (query.Type is { } type && (string.IsNullOrWhiteSpace(type) || type.Length > MaxLabelLength))
        {
            throw AllixiosException.Invalid("invalid_job_type_filter", $"The type filter must be 1 to {MaxLabelLength} characters and not blank, or left out.");
        }

        if (query.Tag is { } tag && (string.IsNullOrWhiteSpace(tag) || tag.Length > MaxLabelLength))
        {
            throw AllixiosException.Invalid("invalid_tag_filter", $"The tag filter must be 1 to {MaxLabelLength} characters and not blank, or left out.");
        }

        return queue.ListAsync(query, cancellationToken);
    }

    /// <summary>How many jobs the tenant has, by type and state.</summary>
    public ValueTask<IReadOnlyList<JobCount>> CountAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        return queue.CountAsync(tenantId, cancellationToken);
    }

    /// <summary>
    /// The job now, then the job each time it changes (state, attempt or progress), until it has finished or
    /// <paramref name="cancellationToken"/> is cancelled. It reads the job every <paramref name="pollInterval"/>, so
    /// changes quicker than that are seen together.
    /// </summary>
    /// <exception cref="AllixiosException">NotFound when the tenant has no such job (also when it is deleted while watched).</exception>
    public async IAsyncEnumerable<Job> WatchAsync(
        string tenantId,
        Guid jobId,
        TimeSpan pollInterval,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (pollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(pollInterval), pollInterval, "The poll interval must be positive.");
        }

        var job = await GetAsync(tenantId, jobId, cancellationToken);
        yield return job;
        while (!JobStateMachine.IsFinished(job.State))
        {
            await Task.Delay(pollInterval, time, cancellationToken);
            var next = await GetAsync(tenantId, jobId, cancellationToken);
            if (next.UpdatedAt != job.UpdatedAt || next.State != job.State || next.Attempt != job.Attempt || next.Progress != job.Progress)
            {
                yield return next;
            }

            job = next;
        }
    }

    private async ValueTask<EnqueuedJob> AddAsync(Job job, CancellationToken cancellationToken)
    {
        // The enqueue's span, whose context the job carries so that the span of its run (in whichever process) links to it.
        using var activity = AllixiosTelemetry.ActivitySource.StartActivity("job.enqueue", ActivityKind.Producer);
        activity?.SetTag("allixios.job.id", job.Id);
        activity?.SetTag("allixios.job.type", job.Type);
        activity?.SetTag("allixios.tenant", job.TenantId);
        if ((activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
        {
            job = job with { TraceParent = traceParent };
        }

        var enqueued = await queue.EnqueueAsync(job, cancellationToken);
        activity?.SetTag("allixios.job.created", enqueued.Created);
        if (enqueued.Created)
        {
            AllixiosTelemetry.JobsEnqueued.Add(1, new KeyValuePair<string, object?>("job_type", job.Type));
        }

        return enqueued;
    }

    internal async ValueTask<Job> ValidateAsync(string tenantId, NewJob request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        TenantIds.Validate(tenantId);
        var settings = options.Value;
        if (types.Find(request.Type ?? string.Empty) is null)
        {
            var known = types.Names.Count == 0 ? "none is registered" : "registered types: " + string.Join(", ", types.Names);
            throw AllixiosException.Invalid("unknown_job_type", $"Job type '{request.Type}' is not registered ({known}): check the name, or register the type (in code with AddJobHandler<THandler>(\"{request.Type}\") or AddJobType; in the runtime under Allixios:Orchestration:JobTypes).");
        }

        await ValidatePayloadAsync(request.Type!, request.Payload, cancellationToken);
        if (request.Priority is < 0 or > 9)
        {
            throw AllixiosException.Invalid("invalid_priority", $"Priority {request.Priority} is out of range: use 0 (lowest) to 9 (highest).");
        }

        if (request.Delay is { } delay && delay < TimeSpan.Zero)
        {
            throw AllixiosException.Invalid("invalid_delay", $"Delay {delay} is negative: use zero or more, or no delay to run now.");
        }

        var maxAttempts = request.MaxAttempts ?? settings.DefaultMaxAttempts;
        if (maxAttempts is < 1 or > 100)
        {
            throw AllixiosException.Invalid("invalid_max_attempts", $"Max attempts {maxAttempts} is out of range: use 1 to 100.");
        }

        var timeout = request.Timeout ?? settings.DefaultTimeout;
        if (timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromHours(24))
        {
            throw AllixiosException.Invalid("invalid_timeout", $"Timeout {timeout} is out of range: use 1 second to 24 hours.");
        }

        if (request.IdempotencyKey is { } key && (key.Length is 0 or > MaxIdempotencyKeyLength || string.IsNullOrWhiteSpace(key)))
        {
            throw AllixiosException.Invalid("invalid_idempotency_key", $"The idempotency key must be 1 to {MaxIdempotencyKeyLength} characters and not blank, or left out.");
        }

        var tags = request.Tags ?? [];
        if (tags.Count > MaxTags || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > MaxLabelLength))
        {
            throw AllixiosException.Invalid("invalid_tags", $"Use at most {MaxTags} tags of 1 to {MaxLabelLength} characters each, none blank.");
        }

        if (request.EstimatedCost is < 0)
        {
            throw AllixiosException.Invalid("invalid_estimated_cost", $"Estimated cost {request.EstimatedCost} is negative: use zero or more.");
        }

        if (request.Resource is { } resource && (string.IsNullOrWhiteSpace(resource) || resource.Length > MaxLabelLength))
        {
            throw AllixiosException.Invalid("invalid_resource", $"The resource must be 1 to {MaxLabelLength} characters and not blank, or left out.");
        }

        var now = time.GetUtcNow();
        var runAt = now + (request.Delay ?? TimeSpan.Zero);
        if (request.Deadline is { } deadline && deadline <= runAt)
        {
            throw AllixiosException.Invalid("invalid_deadline", $"Deadline {deadline.ToString("O", CultureInfo.InvariantCulture)} is not after the job is due ({runAt.ToString("O", CultureInfo.InvariantCulture)}): give it time to run.");
        }

        return new Job(
            _ids.Next(now),
            tenantId,
            request.Type!,
            request.Payload,
            request.Priority,
            request.IdempotencyKey,
            runAt > now ? JobState.Scheduled : JobState.Available,
            Attempt: 0,
            maxAttempts,
            runAt,
            request.Deadline,
            timeout,
            tags.ToList(),
            request.EstimatedCost,
            request.Resource,
            now,
            now);
    }

    /// <summary>The job.</summary>
    /// <exception cref="AllixiosException">NotFound when the tenant has no such job.</exception>
    public async ValueTask<Job> GetAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        return await queue.GetAsync(tenantId, jobId, cancellationToken) ?? throw JobErrors.NotFound(tenantId, jobId);
    }

    /// <summary>The job's history, oldest first.</summary>
    /// <exception cref="AllixiosException">NotFound when the tenant has no such job.</exception>
    public async ValueTask<IReadOnlyList<JobEvent>> GetHistoryAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        var history = await queue.GetHistoryAsync(tenantId, jobId, cancellationToken);
        return history.Count > 0 ? history : throw JobErrors.NotFound(tenantId, jobId);
    }

    /// <summary>Cancels a job that has not finished.</summary>
    /// <exception cref="AllixiosException">NotFound when the tenant has no such job; FailedPrecondition when it has finished.</exception>
    public ValueTask<Job> CancelAsync(string tenantId, Guid jobId, string? reason = null, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        return queue.CancelAsync(tenantId, jobId, string.IsNullOrWhiteSpace(reason) ? "cancelled" : reason, cancellationToken);
    }

    /// <summary>Gives a dead-lettered job a fresh set of attempts.</summary>
    /// <exception cref="AllixiosException">NotFound when the tenant has no such job; FailedPrecondition when it is not dead-lettered.</exception>
    public ValueTask<Job> RedriveAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        return queue.RedriveAsync(tenantId, jobId, cancellationToken);
    }

    private async ValueTask ValidatePayloadAsync(string type, string? payload, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(payload))
        {
            throw AllixiosException.Invalid("invalid_payload", $"The payload of a '{type}' job is empty: send a JSON document.");
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(payload);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw AllixiosException.Invalid("invalid_payload", $"The payload of a '{type}' job is not valid JSON: {e.Message}");
        }

        var schema = await types.GetSchemaAsync(type).WaitAsync(cancellationToken);
        if (schema is null)
        {
            return;
        }

        var errors = Flatten(schema.Validate(payload)).ToList();
        if (errors.Count > 0)
        {
            var listed = string.Join("; ", errors.Take(MaxSchemaErrorsListed));
            var more = errors.Count > MaxSchemaErrorsListed ? $" (and {errors.Count - MaxSchemaErrorsListed} more)" : string.Empty;
            throw AllixiosException.Invalid("invalid_payload", $"The payload of a '{type}' job does not match its schema: {listed}{more}.");
        }
    }

    // A failed anyOf/oneOf nests the reasons of each branch; people need those, not the bare "no branch matched".
    private static IEnumerable<string> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            yield return $"{(string.IsNullOrEmpty(error.Path) ? "#" : error.Path)}: {error.Kind}";
            if (error is ChildSchemaValidationError child)
            {
                foreach (var nested in Flatten(child.Errors.SelectMany(e => e.Value)))
                {
                    yield return "  " + nested;
                }
            }
        }
    }
}
