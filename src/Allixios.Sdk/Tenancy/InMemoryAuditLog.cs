namespace Allixios.Tenancy;

/// <summary>The embedded default <see cref="IAuditLog"/>: entries in process memory.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly Lock _gate = new();
    private readonly List<AuditEntry> _entries = [];

    /// <inheritdoc />
    public ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            _entries.Add(entry);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AuditEntry>> ListAsync(string tenantId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<AuditEntry> page = Enumerable.Range(0, _entries.Count)
                .Select(i => _entries[_entries.Count - 1 - i])
                .Where(e => e.TenantId == tenantId)
                .Take(limit)
                .ToList();
            return ValueTask.FromResult(page);
        }
    }
}
