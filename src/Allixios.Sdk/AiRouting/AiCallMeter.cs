using Allixios.Usage;

namespace Allixios.AiRouting;

/// <summary>
/// Connects routed calls to budgets and the usage ledger. A call that names a tenant reserves its maximum cost in the
/// tenant's (and API key's) budgets before any provider is called, and is refused when that cannot be reserved; when
/// it ends it is settled with the answering deployment's cost, or released when nothing answered, and recorded once in
/// the ledger. A call without a tenant is neither budgeted nor recorded: nobody pays for it (embedded, single-tenant use).
/// </summary>
internal sealed class AiCallMeter(BudgetClient? budgets, IUsageLedger? ledger, TimeProvider time)
{
    /// <summary>The currency of the catalog's prices (LiteLLM's table is in USD).</summary>
    public const string Currency = "USD";

    /// <summary>
    /// Starts metering a call: reserves <paramref name="maximumCost"/> when a tenant is named. Returns
    /// <see langword="null"/> for a call without a tenant.
    /// </summary>
    /// <exception cref="BudgetExceededException">A budget cannot hold the call; the refusal is recorded first.</exception>
    public async ValueTask<AiMeteredCall?> BeginAsync(IDictionary<string, object?>? properties, decimal maximumCost, CancellationToken cancellationToken)
    {
        if (properties is null || !properties.TryGetValue(AiRouter.TenantIdProperty, out var value) || value is not string { Length: > 0 } tenant)
        {
            return null;
        }

        var apiKey = properties.TryGetValue(AiRouter.ApiKeyIdProperty, out var key) && key is string { Length: > 0 } k ? k : null;
        var jobId = properties.TryGetValue(AiRouter.JobIdProperty, out var job) ? job switch
        {
            Guid g => g,
            string s when Guid.TryParse(s, out var parsed) => parsed,
            _ => (Guid?)null,
        } : null;
        var jobType = properties.TryGetValue(AiRouter.JobTypeProperty, out var type) && type is string { Length: > 0 } t ? t : null;
        var call = new AiMeteredCall(budgets, ledger, time, tenant, apiKey, jobId, jobType, time.GetTimestamp());
        // Money held elsewhere (a job's reservation) is not reserved twice; the call is still recorded.
        var held = properties.TryGetValue(AiRouter.BudgetHeldProperty, out var flag) && flag is true;
        if (budgets is not null && !held)
        {
            var result = await budgets.ReserveAsync(tenant, apiKey, maximumCost, Currency, cancellationToken: cancellationToken);
            if (!result.IsGranted)
            {
                await call.RecordAsync(UsageOutcome.Refused, null);
                throw new BudgetExceededException(result.Refusal);
            }

            call.Reservation = result.Reservation;
        }

        return call;
    }
}
