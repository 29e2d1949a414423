using System.ComponentModel.DataAnnotations;

namespace Allixios.Orchestration;

/// <summary>
/// How the worker admits leased jobs against budgets and rate limits, bound from <c>Allixios:Orchestration:Admission</c>.
/// Before a job runs, one request of its <see cref="Job.Resource"/> is acquired (when that resource has a rate limit,
/// see <c>Allixios:Usage:RateLimits</c>) and its <see cref="Job.EstimatedCost"/> is reserved in its tenant's budgets.
/// </summary>
public sealed class JobAdmissionOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Orchestration:Admission";

    /// <summary>Whether the worker admits jobs at all; off runs every job without budget or rate-limit checks. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The ISO 4217 currency of jobs' estimated and reported costs; budgets in another currency refuse them. Default: <c>USD</c>.</summary>
    [RegularExpression("^[A-Z]{3}$")]
    public string Currency { get; set; } = "USD";

    /// <summary>What happens to a refused job when neither its type nor its tenant has a policy. Default: <see cref="AdmissionRefusalPolicy.Defer"/>.</summary>
    public AdmissionRefusalPolicy WhenRefused { get; set; } = AdmissionRefusalPolicy.Defer;

    /// <summary>Policies by tenant id; a job type's policy (<see cref="JobTypePolicies"/>) wins over its tenant's. Default: none.</summary>
    public Dictionary<string, AdmissionRefusalPolicy> TenantPolicies { get; } = new(StringComparer.Ordinal);

    /// <summary>Policies by job type. Default: none.</summary>
    public Dictionary<string, AdmissionRefusalPolicy> JobTypePolicies { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How long a job refused because running work holds its budget (spent alone leaves room) waits before it is tried
    /// again; a job refused because the budget is spent waits for the budget's reset. Default: 15 s. Range: 100 ms to 1 h.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan HeldBudgetRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the worker remembers that a tenant has no budgets, so that such tenants' jobs skip the reservation; a
    /// budget created meanwhile applies after at most this long. Zero checks every job. Default: 5 s. Range: 0 to 5 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan NoBudgetCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
