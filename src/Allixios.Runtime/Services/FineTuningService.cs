using System.Text;
using Allixios.AiRouting;
using Allixios.AiRouting.FineTuning;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>Fine-tuning jobs of the caller's tenant over gRPC and HTTP/JSON; submitted jobs are followed by the tracker until they end.</summary>
internal sealed class FineTuningService(AiFineTuningClient client, AiFineTuningTracker tracker) : Contracts.V1.FineTuning.FineTuningBase
{
    private const int DefaultLimit = 20;

    public override async Task<FineTuningJob> CreateJob(CreateFineTuningJobRequest request, ServerCallContext context)
    {
        var caller = Authorize(context, ApiScopes.AiWrite);
        var submit = new AiFineTuningRequest
        {
            BaseModel = request.BaseModel,
            TrainingData = Encoding.UTF8.GetBytes(request.TrainingData),
            // Cast to the nullable: a bare null would convert to an empty ReadOnlyMemory (through byte[]), not to "no validation file".
            ValidationData = request.ValidationData.Length > 0 ? (ReadOnlyMemory<byte>?)Encoding.UTF8.GetBytes(request.ValidationData) : null,
            Suffix = request.Suffix.Length > 0 ? request.Suffix : null,
            Epochs = request.HasEpochs ? request.Epochs : null,
            Seed = request.HasSeed ? request.Seed : null,
        };
        var job = await Upstream(context, () => client.SubmitAsync(submit, caller.TenantId, context.CancellationToken));
        tracker.Track(job);
        return ToContract(job);
    }

    public override async Task<ListFineTuningJobsResponse> ListJobs(ListFineTuningJobsRequest request, ServerCallContext context)
    {
        var caller = Authorize(context, ApiScopes.AiRead);
        var jobs = await Upstream(context, () => client.ListAsync(Provider(request.Provider), caller.TenantId, request.Limit == 0 ? DefaultLimit : request.Limit, request.After, context.CancellationToken));
        var response = new ListFineTuningJobsResponse();
        response.Jobs.AddRange(jobs.Select(ToContract));
        return response;
    }

    public override async Task<FineTuningJob> GetJob(GetFineTuningJobRequest request, ServerCallContext context)
    {
        var caller = Authorize(context, ApiScopes.AiRead);
        return ToContract(await Upstream(context, () => client.GetAsync(Provider(request.Provider), request.Id, caller.TenantId, context.CancellationToken)));
    }

    public override async Task<ListFineTuningJobEventsResponse> ListJobEvents(ListFineTuningJobEventsRequest request, ServerCallContext context)
    {
        var caller = Authorize(context, ApiScopes.AiRead);
        var events = await Upstream(context, () => client.ListEventsAsync(Provider(request.Provider), request.Id, caller.TenantId, request.Limit == 0 ? DefaultLimit : request.Limit, context.CancellationToken));
        var response = new ListFineTuningJobEventsResponse();
        response.Events.AddRange(events.Select(e => new FineTuningJobEvent
        {
            Id = e.Id,
            At = Timestamp.FromDateTimeOffset(e.At),
            Level = e.Level,
            Message = e.Message,
            Type = e.Type,
        }));
        return response;
    }

    public override async Task<FineTuningJob> CancelJob(CancelFineTuningJobRequest request, ServerCallContext context)
    {
        var caller = Authorize(context, ApiScopes.AiWrite);
        return ToContract(await Upstream(context, () => client.CancelAsync(Provider(request.Provider), request.Id, caller.TenantId, context.CancellationToken)));
    }

    private static Caller Authorize(ServerCallContext context, string scope)
    {
        var caller = Caller.From(context);
        caller.Require(scope);
        return caller;
    }

    private static string? Provider(string provider) => provider.Length > 0 ? provider : null;

    private static async Task<T> Upstream<T>(ServerCallContext context, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AiProviderException e)
        {
            throw AiService.ToRpcException(e, context.GetHttpContext());
        }
    }

    private static FineTuningJob ToContract(AiFineTuningJob job) => new()
    {
        Id = job.Id,
        Provider = job.Provider,
        BaseModel = job.BaseModel,
        Status = job.Status switch
        {
            AiFineTuningStatus.ValidatingFiles => "validating_files",
            _ => job.Status.ToString().ToLowerInvariant(),
        },
        FineTunedModel = job.FineTunedModel ?? "",
        TrainingFile = job.TrainingFile ?? "",
        CreatedAt = Timestamp.FromDateTimeOffset(job.CreatedAt),
        FinishedAt = job.FinishedAt is { } finished ? Timestamp.FromDateTimeOffset(finished) : null,
        EstimatedFinish = job.EstimatedFinish is { } estimated ? Timestamp.FromDateTimeOffset(estimated) : null,
        TrainedTokens = job.TrainedTokens ?? 0,
        ErrorCode = job.ErrorCode ?? "",
        ErrorMessage = job.ErrorMessage ?? "",
    };
}
