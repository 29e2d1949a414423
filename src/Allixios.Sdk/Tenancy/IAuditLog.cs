namespace Allixios.Tenancy;

/// <summary>The append-only audit log of administrative actions.</summary>
public interface IAuditLog
{
    /// <summary>Appends an entry.</summary>
    ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The tenant's newest entries first, at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<AuditEntry>> ListAsync(string tenantId, int limit, CancellationToken cancellationToken = default);
}
