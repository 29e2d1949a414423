using Allixios.Orchestration;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>Cron schedules over gRPC and HTTP/JSON: checks the caller's scope, then hands over to <see cref="CronScheduleClient"/>.</summary>
internal sealed class CronSchedulesService(CronScheduleClient schedules) : Contracts.V1.CronSchedules.CronSchedulesBase
{
    public override async Task<Contracts.V1.CronSchedule> CreateCronSchedule(CreateCronScheduleRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.JobsWrite);
        var spec = Spec(request.Name, request.Expression, request.TimeZone, request.Job, request.HasEnabled ? request.Enabled : null, request.MisfirePolicy, request.HasMaxMissedFires ? request.MaxMissedFires : null);
        return (await schedules.CreateAsync(caller.TenantId, spec, context.CancellationToken)).ToContract();
    }

    public override async Task<Contracts.V1.CronSchedule> GetCronSchedule(GetCronScheduleRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.JobsRead);
        return (await schedules.GetAsync(caller.TenantId, ScheduleId(request.ScheduleId), context.CancellationToken)).ToContract();
    }

    public override async Task<ListCronSchedulesResponse> ListCronSchedules(ListCronSchedulesRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.JobsRead);
        var response = new ListCronSchedulesResponse();
        response.Schedules.Add((await schedules.ListAsync(caller.TenantId, context.CancellationToken)).Select(s => s.ToContract()));
        return response;
    }

    public override async Task<Contracts.V1.CronSchedule> UpdateCronSchedule(UpdateCronScheduleRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.JobsWrite);
        var id = ScheduleId(request.ScheduleId);
        var spec = Spec(request.Name, request.Expression, request.TimeZone, request.Job, request.HasEnabled ? request.Enabled : null, request.MisfirePolicy, request.HasMaxMissedFires ? request.MaxMissedFires : null);
        return (await schedules.UpdateAsync(caller.TenantId, id, spec, context.CancellationToken)).ToContract();
    }

    public override async Task<Empty> DeleteCronSchedule(DeleteCronScheduleRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.JobsWrite);
        await schedules.DeleteAsync(caller.TenantId, ScheduleId(request.ScheduleId), context.CancellationToken);
        return new Empty();
    }

    private static CronScheduleSpec Spec(string name, string expression, string timeZone, EnqueueJobRequest? job, bool? enabled, string misfire, int? maxMissedFires)
    {
        if (job is null)
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_cron_job", "A cron schedule needs \"job\": the job to enqueue at each fire time, with its type and payload.");
        }

        var policy = misfire.Length == 0 ? CronMisfirePolicy.FireOnce : CronMisfirePolicies.TryParse(misfire)
            ?? throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_misfire_policy", $"'{misfire}' is not a misfire policy: use fire_once, skip or fire_all.");
        return new CronScheduleSpec(name, expression, job.ToNewJob())
        {
            TimeZone = timeZone.Length == 0 ? "UTC" : timeZone,
            Enabled = enabled ?? true,
            Misfire = policy,
            MaxMissedFires = maxMissedFires ?? 100,
        };
    }

    private static Guid ScheduleId(string text) => Guid.TryParseExact(text, "D", out var id)
        ? id
        : throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_schedule_id", $"'{text}' is not a cron schedule id: use the schedule_id a create returned, e.g. 0193a5c4-7d1e-7c3a-9f00-4b1d2e3f4a5b.");

    private static Caller Caller(ServerCallContext context, string scope)
    {
        var caller = Security.Caller.From(context);
        caller.Require(scope);
        return caller;
    }
}
