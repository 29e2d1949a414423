using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Wire = Allixios.Runtime.Contracts.V1;

namespace Allixios.Runtime.Services;

/// <summary>Maps the SDK's records to the wire contract.</summary>
internal static class ContractMapping
{
    public static Wire.Tenant ToContract(this Tenancy.Tenant tenant)
    {
        var contract = new Wire.Tenant
        {
            TenantId = tenant.Id,
            DisplayName = tenant.DisplayName,
            CreateTime = Timestamp.FromDateTimeOffset(tenant.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(tenant.UpdatedAt),
        };
        Fill(contract.Limits, tenant.Limits);
        Fill(contract.Features, tenant.Features);
        return contract;
    }

    public static Wire.ApiKey ToContract(this Tenancy.ApiKey key)
    {
        var contract = new Wire.ApiKey
        {
            KeyId = key.Id,
            TenantId = key.TenantId,
            Name = key.Name,
            Prefix = key.Prefix,
            CreateTime = Timestamp.FromDateTimeOffset(key.CreatedAt),
            ExpireTime = ToTimestamp(key.ExpiresAt),
            RevokeTime = ToTimestamp(key.RevokedAt),
            LastUseTime = ToTimestamp(key.LastUsedAt),
        };
        contract.Scopes.Add(key.Scopes);
        return contract;
    }

    public static Wire.AuditEntry ToContract(this Tenancy.AuditEntry entry)
    {
        var contract = new Wire.AuditEntry
        {
            TenantId = entry.TenantId,
            Actor = entry.Actor,
            Action = entry.Action,
            Target = entry.Target,
            Time = Timestamp.FromDateTimeOffset(entry.At),
        };
        Fill(contract.Details, entry.Details);
        return contract;
    }

    public static Wire.Job ToContract(this Orchestration.Job job)
    {
        var contract = new Wire.Job
        {
            JobId = job.Id.ToString(),
            TenantId = job.TenantId,
            Type = job.Type,
            Payload = Value.Parser.ParseJson(job.Payload),
            Priority = job.Priority,
            IdempotencyKey = job.IdempotencyKey ?? string.Empty,
            State = Orchestration.JobStates.ToName(job.State),
            Attempt = job.Attempt,
            MaxAttempts = job.MaxAttempts,
            RunTime = Timestamp.FromDateTimeOffset(job.RunAt),
            Deadline = ToTimestamp(job.Deadline),
            Timeout = Duration.FromTimeSpan(job.Timeout),
            Resource = job.Resource ?? string.Empty,
            CreateTime = Timestamp.FromDateTimeOffset(job.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(job.UpdatedAt),
            FinishTime = ToTimestamp(job.FinishedAt),
            LastError = job.LastError ?? string.Empty,
            Progress = job.Progress?.ToContract(),
            Worker = job.LeaseOwner ?? string.Empty,
        };
        if (job.EstimatedCost is { } cost)
        {
            contract.EstimatedCost = (double)cost;
        }

        contract.Tags.Add(job.Tags);
        return contract;
    }

    public static Wire.JobResult ToContract(this Orchestration.JobResult result, string jobType) => new()
    {
        JobId = result.JobId.ToString(),
        TenantId = result.TenantId,
        Type = jobType,
        Result = Value.Parser.ParseJson(result.Result),
        CreateTime = Timestamp.FromDateTimeOffset(result.CreatedAt),
    };

    public static Wire.EnqueueJobResponse ToContract(this Orchestration.EnqueuedJob enqueued) =>
        new() { Job = enqueued.Job.ToContract(), Created = enqueued.Created };

    public static Wire.JobEvent ToContract(this Orchestration.JobEvent e) => new()
    {
        Time = Timestamp.FromDateTimeOffset(e.At),
        FromState = e.From is { } from ? Orchestration.JobStates.ToName(from) : string.Empty,
        ToState = Orchestration.JobStates.ToName(e.To),
        Worker = e.Worker ?? string.Empty,
        Attempt = e.Attempt,
        Error = e.Error ?? string.Empty,
        Progress = e.Progress?.ToContract(),
    };

    public static Wire.QueueStats ToContract(this IReadOnlyList<Orchestration.JobCount> counts, string tenantId)
    {
        var stats = new Wire.QueueStats { TenantId = tenantId };
        foreach (var state in System.Enum.GetValues<Orchestration.JobState>())
        {
            stats.ByState[Orchestration.JobStates.ToName(state)] = counts.Where(c => c.State == state).Sum(c => c.Count);
        }

        foreach (var type in counts.GroupBy(c => c.Type))
        {
            var perType = new Wire.JobTypeStats { Type = type.Key };
            foreach (var count in type)
            {
                perType.ByState[Orchestration.JobStates.ToName(count.State)] = count.Count;
            }

            stats.ByType.Add(perType);
        }

        return stats;
    }

    /// <summary>The SDK's request for an enqueue; the payload travels as its JSON text, which <see cref="Orchestration.JobClient"/> validates.</summary>
    public static Orchestration.NewJob ToNewJob(this Wire.EnqueueJobRequest request)
    {
        // An absent payload stays empty so that the client says it is missing, rather than enqueueing JSON null.
        var payload = request.Payload is null ? string.Empty : JsonFormatter.Default.Format(request.Payload);
        if (request.HasEstimatedCost && !(double.IsFinite(request.EstimatedCost) && Math.Abs(request.EstimatedCost) < 1e15))
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_estimated_cost", $"Estimated cost {request.EstimatedCost} is not a usable amount: use a finite number under 10^15.");
        }

        var job = new Orchestration.NewJob(request.Type, payload)
        {
            IdempotencyKey = request.IdempotencyKey.Length == 0 ? null : request.IdempotencyKey,
            Delay = request.Delay?.ToTimeSpan(),
            Deadline = request.Deadline?.ToDateTimeOffset(),
            MaxAttempts = request.HasMaxAttempts ? request.MaxAttempts : null,
            Timeout = request.Timeout?.ToTimeSpan(),
            Tags = request.Tags.Count == 0 ? null : request.Tags.ToList(),
            EstimatedCost = request.HasEstimatedCost ? (decimal)request.EstimatedCost : null,
            Resource = request.Resource.Length == 0 ? null : request.Resource,
        };

        // Unset keeps the SDK's default priority.
        return request.HasPriority ? job with { Priority = request.Priority } : job;
    }

    public static Wire.CronSchedule ToContract(this Orchestration.CronSchedule schedule)
    {
        var job = schedule.Job;
        var template = new Wire.EnqueueJobRequest
        {
            Type = job.Type,
            Payload = Value.Parser.ParseJson(job.Payload),
            Priority = job.Priority,
            Timeout = job.Timeout is { } timeout ? Duration.FromTimeSpan(timeout) : null,
            Resource = job.Resource ?? string.Empty,
        };
        if (job.MaxAttempts is { } attempts)
        {
            template.MaxAttempts = attempts;
        }

        if (job.EstimatedCost is { } cost)
        {
            template.EstimatedCost = (double)cost;
        }

        template.Tags.Add(job.Tags ?? []);
        return new Wire.CronSchedule
        {
            ScheduleId = schedule.Id.ToString(),
            TenantId = schedule.TenantId,
            Name = schedule.Name,
            Expression = schedule.Expression,
            TimeZone = schedule.TimeZone,
            Job = template,
            Enabled = schedule.Enabled,
            MisfirePolicy = Orchestration.CronMisfirePolicies.ToName(schedule.Misfire),
            MaxMissedFires = schedule.MaxMissedFires,
            LastFireTime = ToTimestamp(schedule.LastFireAt),
            NextFireTime = ToTimestamp(schedule.NextFireAt),
            LastError = schedule.LastError ?? string.Empty,
            CreateTime = Timestamp.FromDateTimeOffset(schedule.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(schedule.UpdatedAt),
        };
    }

    private static Wire.JobProgress ToContract(this Orchestration.JobProgress progress) =>
        new() { Percent = progress.Percent, Message = progress.Message ?? string.Empty };

    private static void Fill<TValue>(MapField<string, TValue> map, IReadOnlyDictionary<string, TValue> values)
    {
        foreach (var (name, value) in values)
        {
            map[name] = value;
        }
    }

    private static Timestamp? ToTimestamp(DateTimeOffset? time) => time is null ? null : Timestamp.FromDateTimeOffset(time.Value);
}
