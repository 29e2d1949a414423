using Allixios.Orchestration;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Errors;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>The job engine over gRPC and HTTP/JSON: checks the caller's scope and tenant, then hands over to <see cref="JobClient"/>.</summary>
internal sealed class JobsService(JobClient jobs, IJobResultStore results) : Jobs.JobsBase
{
    /// <summary>
    /// How often a watched job is read again. A quarter second keeps a watcher close to live while costing one indexed
    /// read per watcher per tick; job changes come from other processes, so there is no cheaper in-process signal.
    /// </summary>
    public static readonly TimeSpan WatchPollInterval = TimeSpan.FromMilliseconds(250);

    public override async Task<EnqueueJobResponse> EnqueueJob(EnqueueJobRequest request, ServerCallContext context)
    {
        var caller = Writer(context);
        var enqueued = await jobs.EnqueueAsync(caller.TenantId, request.ToNewJob(), context.CancellationToken);
        return enqueued.ToContract();
    }

    public override async Task<EnqueueJobsResponse> EnqueueJobs(EnqueueJobsRequest request, ServerCallContext context)
    {
        var caller = Writer(context);
        var enqueued = await jobs.EnqueueBatchAsync(caller.TenantId, request.Jobs.Select(j => j.ToNewJob()).ToList(), context.CancellationToken);
        var response = new EnqueueJobsResponse();
        response.Results.Add(enqueued.Select(e => e.ToContract()));
        return response;
    }

    public override async Task<EnqueueWorkflowResponse> EnqueueWorkflow(EnqueueWorkflowRequest request, ServerCallContext context)
    {
        var caller = Writer(context);
        var steps = request.Steps.Select((step, i) => new Orchestration.WorkflowStep(
            step.Name,
            step.Job?.ToNewJob() ?? throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_workflow", $"steps[{i}] ('{step.Name}') has no job: give each step a job."))
        {
            DependsOn = step.DependsOn.ToList(),
        }).ToList();
        var enqueued = await jobs.EnqueueWorkflowAsync(caller.TenantId, steps, context.CancellationToken);
        var response = new EnqueueWorkflowResponse();
        response.Steps.Add(enqueued.Select((job, i) => new WorkflowStepJob { Name = steps[i].Name, Job = job.ToContract() }));
        return response;
    }

    public override async Task<Contracts.V1.Job> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var caller = Reader(context);
        var job = await jobs.GetAsync(caller.TenantId, JobIds.Parse(request.JobId), context.CancellationToken);
        return await ToContractWithResultAsync(job, results, context.CancellationToken);
    }

    public override async Task<Contracts.V1.JobResult> GetJobResult(GetJobResultRequest request, ServerCallContext context)
    {
        var caller = Reader(context);
        var id = JobIds.Parse(request.JobId);
        var job = await jobs.GetAsync(caller.TenantId, id, context.CancellationToken);
        var state = JobStates.ToName(job.State);
        if (!JobStateMachine.IsFinished(job.State))
        {
            // 409 rather than 404: the result may well come; asking again after the job has finished is the fix.
            throw ErrorMapping.WithReason(
                new Status(StatusCode.Aborted, $"Job {id} is {state} and has not finished, so it has no result yet: watch it (GET /v1/jobs/{id}/watch) and read its result once it has succeeded."),
                context.GetHttpContext(),
                "job_not_finished");
        }

        var result = await results.GetAsync(caller.TenantId, id, context.CancellationToken)
            ?? throw new AllixiosException(
                AllixiosErrorKind.NotFound,
                "job_result_not_found",
                job.State == JobState.Succeeded
                    ? $"Job {id} succeeded but left no result: its handler ('{job.Type}') stores none."
                    : $"Job {id} is {state} and left no result: only a succeeded job has one{(job.LastError is { Length: > 0 } error ? $" (its last error: {error})" : string.Empty)}.");
        return result.ToContract(job.Type);
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var tenantId = TenantOf(context, request.TenantId, ApiScopes.JobsRead);
        var before = PageTokens.Decode(request.PageToken) is { } token ? JobIds.Parse(token) : (Guid?)null;
        var size = PageTokens.Size(request.PageSize);
        var page = await jobs.ListAsync(
            new JobQuery(tenantId)
            {
                State = request.State.Length == 0 ? null : ParseState(request.State),
                Type = request.Type.Length == 0 ? null : request.Type,
                Tag = request.Tag.Length == 0 ? null : request.Tag,
                Before = before,
                Limit = size,
            },
            context.CancellationToken);
        var response = new ListJobsResponse { NextPageToken = page.Count == size ? PageTokens.Encode(page[^1].Id.ToString()) : string.Empty };
        response.Jobs.Add(page.Select(j => j.ToContract()));
        return response;
    }

    public override async Task<Contracts.V1.Job> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        var caller = Writer(context);
        return (await jobs.CancelAsync(caller.TenantId, JobIds.Parse(request.JobId), request.Reason, context.CancellationToken)).ToContract();
    }

    public override async Task<Contracts.V1.Job> RetryJob(RetryJobRequest request, ServerCallContext context)
    {
        var caller = Writer(context);
        return (await jobs.RedriveAsync(caller.TenantId, JobIds.Parse(request.JobId), context.CancellationToken)).ToContract();
    }

    public override async Task<GetJobHistoryResponse> GetJobHistory(GetJobHistoryRequest request, ServerCallContext context)
    {
        var caller = Reader(context);
        var history = await jobs.GetHistoryAsync(caller.TenantId, JobIds.Parse(request.JobId), context.CancellationToken);
        var response = new GetJobHistoryResponse();
        response.Events.Add(history.Select(e => e.ToContract()));
        return response;
    }

    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<Contracts.V1.Job> responseStream, ServerCallContext context)
    {
        var caller = Reader(context);
        await foreach (var job in jobs.WatchAsync(caller.TenantId, JobIds.Parse(request.JobId), WatchPollInterval, context.CancellationToken))
        {
            await responseStream.WriteAsync(await ToContractWithResultAsync(job, results, context.CancellationToken), context.CancellationToken);
        }
    }

    public override async Task<QueueStats> GetQueueStats(GetQueueStatsRequest request, ServerCallContext context)
    {
        var tenantId = TenantOf(context, request.TenantId, ApiScopes.JobsRead);
        return (await jobs.CountAsync(tenantId, context.CancellationToken)).ToContract(tenantId);
    }

    /// <summary>The job on the wire, with its result when it succeeded and left one: one extra read, for succeeded jobs only.</summary>
    public static async ValueTask<Contracts.V1.Job> ToContractWithResultAsync(Orchestration.Job job, IJobResultStore results, CancellationToken cancellationToken)
    {
        var contract = job.ToContract();
        if (job.State == JobState.Succeeded && await results.GetAsync(job.TenantId, job.Id, cancellationToken) is { } result)
        {
            contract.Result = Google.Protobuf.WellKnownTypes.Value.Parser.ParseJson(result.Result);
        }

        return contract;
    }

    /// <summary>The state a list filter names.</summary>
    /// <exception cref="AllixiosException">InvalidArgument when it names no state.</exception>
    public static JobState ParseState(string name)
    {
        try
        {
            return JobStates.Parse(name);
        }
        catch (ArgumentOutOfRangeException)
        {
            var names = Enum.GetValues<JobState>().Select(JobStates.ToName);
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_state_filter", $"'{name}' is not a job state: use one of {string.Join(", ", names)}.");
        }
    }

    private static Caller Reader(ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.JobsRead);
        return caller;
    }

    private static Caller Writer(ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.JobsWrite);
        return caller;
    }

    // The tenant is the key's own; an admin key may name another to look at its jobs.
    private static string TenantOf(ServerCallContext context, string requested, string scope)
    {
        var caller = Caller.From(context);
        var tenantId = requested.Length == 0 ? caller.TenantId : requested;
        caller.Require(scope, tenantId);
        return tenantId;
    }
}
