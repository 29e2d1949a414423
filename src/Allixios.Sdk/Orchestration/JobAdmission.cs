using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Allixios.Usage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Allixios.Orchestration;

/// <summary>
/// The worker's admission step, kept apart from the worker loop: before a leased job runs, acquire one request of its
/// resource's rate limit and reserve its estimated cost in its tenant's budgets; after it ran, settle the reservation
/// with the cost the handler reported (or the estimate), or release it when the job failed without reporting a cost.
/// </summary>
internal sealed partial class JobAdmission(
    BudgetClient budgets,
    IBudgetStore budgetStore,
    ResourceRateLimits rateLimits,
    IOptions<JobAdmissionOptions> options,
    IOptions<OrchestrationOptions> orchestration,
    TimeProvider time,
    ILogger<JobAdmission> logger)
{
    private readonly ConcurrentDictionary<string, long> _noBudgetsUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _budgetLookups = new(StringComparer.Ordinal);

    /// <summary>Admits <paramref name="job"/>, or says why not, until when, and what to do about it.</summary>
    public async ValueTask<AdmissionDecision> AdmitAsync(Job job, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return AdmissionDecision.Admit(null);
        }

        if (job.Resource is { } resource)
        {
            using var lease = await rateLimits.AcquireAsync(resource, cancellationToken: cancellationToken);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                lease.TryGetMetadata(MetadataName.ReasonPhrase, out var why);
                // From the clock after the round trip, so the job is never due before the window it waits for.
                return Refuse(job, $"Not admitted: the rate limit of resource '{resource}' is used up. {why}", time.GetUtcNow() + retryAfter);
            }
        }

        if (await HasNoBudgetsAsync(job.TenantId, settings, cancellationToken))
        {
            return AdmissionDecision.Admit(null);
        }

        // The hold outlives the attempt's timeout and a lease's length, so a running job's money is never freed under
        // it, while a crashed worker's is freed soon after its job would have been rescued.
        var hold = job.Timeout + orchestration.Value.LeaseDuration + orchestration.Value.LeaseDuration;
        var result = await budgets.ReserveAsync(job.TenantId, apiKeyId: null, job.EstimatedCost ?? 0, settings.Currency, hold > TimeSpan.FromDays(7) ? TimeSpan.FromDays(7) : hold, cancellationToken);
        if (result.IsGranted)
        {
            foreach (var warning in result.Reservation.Warnings)
            {
                LogBudgetWarning(job.TenantId, warning.Name, warning.Committed, warning.Limit, job.Id);
            }

            return AdmissionDecision.Admit(result.Reservation);
        }

        var refusal = result.Refusal;
        var retryAt = refusal.MayFreeUpBeforeWindowEnd ? time.GetUtcNow() + settings.HeldBudgetRetryDelay : refusal.WindowEnd;
        return Refuse(job, "Not admitted: " + refusal.Message, retryAt);
    }

    /// <summary>Settles or releases the attempt's reservation: the reported cost when there is one, else the estimate when the job succeeded.</summary>
    public async ValueTask FinishAsync(Job job, JobCost cost, bool succeeded)
    {
        if (cost.Reservation is not { } reservation)
        {
            return;
        }

        try
        {
            if (cost.Reported is { } reported)
            {
                await budgets.SettleAsync(reservation, reported, CancellationToken.None);
            }
            else if (succeeded)
            {
                await budgets.SettleAsync(reservation, job.EstimatedCost ?? 0, CancellationToken.None);
            }
            else
            {
                await budgets.ReleaseAsync(reservation, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The reservation lapses at its expiry and the sweeper frees it; the job's own outcome still counts.
            LogSettleFailed(e, job.Id);
        }
    }

    private async ValueTask<bool> HasNoBudgetsAsync(string tenantId, JobAdmissionOptions settings, CancellationToken cancellationToken)
    {
        if (settings.NoBudgetCacheDuration <= TimeSpan.Zero)
        {
            return false;
        }

        var nowTicks = time.GetTimestamp();
        if (_noBudgetsUntil.TryGetValue(tenantId, out var until) && nowTicks < until)
        {
            return true;
        }

        // One look per tenant at a time: when the remembered answer runs out, every job admitted at that moment (as many
        // as the worker's slots) would otherwise ask the database the same question at once. The look starts only once
        // it is in the map (Lazy), so it always finds itself there to remove when it ends, even when it ends at once.
        Lazy<Task<bool>>? created = null;
        created = new Lazy<Task<bool>>(() => LookUpNoBudgetsAsync(tenantId, settings, created!));
        var lookup = _budgetLookups.GetOrAdd(tenantId, created);
        return await lookup.Value.WaitAsync(cancellationToken);
    }

    // Shared by every caller waiting for it, so it runs to its end whichever of them gives up first.
    private async Task<bool> LookUpNoBudgetsAsync(string tenantId, JobAdmissionOptions settings, Lazy<Task<bool>> self)
    {
        try
        {
            var none = (await budgetStore.ListAsync(tenantId, CancellationToken.None)).Count == 0;
            if (none)
            {
                _noBudgetsUntil[tenantId] = time.GetTimestamp() + (long)(settings.NoBudgetCacheDuration.TotalSeconds * time.TimestampFrequency);
            }
            else
            {
                _noBudgetsUntil.TryRemove(tenantId, out _);
            }

            return none;
        }
        finally
        {
            _budgetLookups.TryRemove(KeyValuePair.Create(tenantId, self));
        }
    }

    private AdmissionDecision Refuse(Job job, string reason, DateTimeOffset retryAt)
    {
        var settings = options.Value;
        var policy = settings.JobTypePolicies.TryGetValue(job.Type, out var byType) ? byType
            : settings.TenantPolicies.TryGetValue(job.TenantId, out var byTenant) ? byTenant
            : settings.WhenRefused;
        LogRefused(job.Id, job.Type, job.TenantId, policy, reason);
        return AdmissionDecision.Refuse(reason, retryAt, policy);
    }

    [LoggerMessage(EventId = 2510, EventName = "JobNotAdmitted", Level = LogLevel.Information, Message = "Job {JobId} ({JobType}) of tenant {TenantId} was not admitted ({Policy}): {Reason}")]
    private partial void LogRefused(Guid jobId, string jobType, string tenantId, AdmissionRefusalPolicy policy, string reason);

    [LoggerMessage(EventId = 2511, EventName = "BudgetWarning", Level = LogLevel.Warning, Message = "Tenant {TenantId}'s budget '{Budget}' has {Committed} of {Limit} spent or reserved (job {JobId}).")]
    private partial void LogBudgetWarning(string tenantId, string budget, decimal committed, decimal limit, Guid jobId);

    [LoggerMessage(EventId = 2512, EventName = "BudgetSettleFailed", Level = LogLevel.Warning, Message = "The budget reservation of job {JobId} could not be settled; it lapses at its expiry.")]
    private partial void LogSettleFailed(Exception exception, Guid jobId);
}
