namespace Allixios.N8nBridge.Versioning;

/// <summary>Workflow versions in this process's memory: for the embedded mode and tests. Thread-safe.</summary>
public sealed class InMemoryWorkflowVersionStore : IWorkflowVersionStore
{
    private readonly Dictionary<(string Tenant, string Workflow), List<WorkflowVersion>> _versions = [];
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public Task<WorkflowVersionAppend> AppendAsync(string tenantId, NewWorkflowVersion version, bool skipIfUnchanged = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(version);
        lock (_gate)
        {
            var key = (tenantId, version.WorkflowId);
            if (!_versions.TryGetValue(key, out var list))
            {
                _versions[key] = list = [];
            }

            if (skipIfUnchanged && list.Count > 0 && list[^1].Hash == version.Hash)
            {
                return Task.FromResult(new WorkflowVersionAppend(list[^1], Appended: false));
            }

            var stored = new WorkflowVersion
            {
                TenantId = tenantId,
                WorkflowId = version.WorkflowId,
                Version = list.Count + 1,
                Name = version.Name,
                Active = version.Active,
                Definition = version.Definition,
                Hash = version.Hash,
                Source = version.Source,
                Change = version.Change,
                Author = version.Author,
                Note = version.Note,
                N8nVersionId = version.N8nVersionId,
                CreatedAt = version.CreatedAt,
            };
            list.Add(stored);
            return Task.FromResult(new WorkflowVersionAppend(stored, Appended: true));
        }
    }

    /// <inheritdoc />
    public Task<WorkflowVersion?> GetAsync(string tenantId, string workflowId, int version, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_versions.TryGetValue((tenantId, workflowId), out var list) && version >= 1 && version <= list.Count ? list[version - 1] : null);
        }
    }

    /// <inheritdoc />
    public Task<WorkflowVersion?> GetLatestAsync(string tenantId, string workflowId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_versions.TryGetValue((tenantId, workflowId), out var list) && list.Count > 0 ? list[^1] : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowVersion>> ListAsync(string tenantId, string workflowId, int limit, int? beforeVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_gate)
        {
            IReadOnlyList<WorkflowVersion> page = _versions.TryGetValue((tenantId, workflowId), out var list)
                ? [.. list.Where(v => beforeVersion is null || v.Version < beforeVersion).Reverse().Take(limit)]
                : [];
            return Task.FromResult(page);
        }
    }
}
