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

    /// <summary>
    /// Its virtual time: each job leased adds 1 / weight, and the lowest pass goes next, so leases follow the weights.
    /// </summary>
    public double Pass { get; set; }

    public long Available { get; set; }

    public long Running { get; set; }

    /// <summary>Its <see cref="Available"/> as last read (less what was leased while the read ran).</summary>
    public long ReadAvailable { get; set; }

    /// <summary>How many of its jobs this process leased (turns given back are taken off), and finished; ever.</summary>
    public long Leased { get; set; }

    public long Finished { get; set; }

    /// <summary><see cref="Leased"/> and <see cref="Finished"/> when the latest backlog read started.</summary>
    public long LeasedAtRead { get; set; }

    public long FinishedAtRead { get; set; }

    /// <summary>How many more jobs it may be given now, by backlog and cap.</summary>
    public long Room => Concurrency is { } cap ? Math.Min(Available, Math.Max(0, cap - Running)) : Available;
}
