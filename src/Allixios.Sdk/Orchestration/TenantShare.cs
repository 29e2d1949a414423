namespace Allixios.Orchestration;

/// <summary>
/// The fair scheduler's view of one tenant: its weight and cap (from its limits), its stride-scheduling pass, and its
/// backlog and running count as last read from the queue and adjusted by what this process leased and finished since.
/// </summary>
internal sealed class TenantShare(string tenantId)
{
    public string TenantId { get; } = tenantId;

    /// <summary>Its share relative to other tenants (<c>jobs.weight</c>, 1 or more).</summary>
    public long Weight { get; set; } = 1;

    /// <summary>The most of its jobs that may run at once on all replicas (<c>jobs.concurrency</c>); none: no cap.</summary>
    public int? Concurrency { get; set; }

    /// <summary>When <see cref="Weight"/> and <see cref="Concurrency"/> were read; none: never.</summary>
    public DateTimeOffset? LimitsReadAt { get; set; }

    /// <summary>
    /// Its virtual time: each job leased adds 1 / weight, and the lowest pass goes next, so leases follow the weights.
    /// </summary>
    public double Pass { get; set; }

    public long Available { get; set; }

    public long Running { get; set; }

    /// <summary>How many more jobs it may be given now, by backlog and cap.</summary>
    public long Room => Concurrency is { } cap ? Math.Min(Available, Math.Max(0, cap - Running)) : Available;
}
