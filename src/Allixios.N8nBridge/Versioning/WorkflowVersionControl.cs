using System.Diagnostics;
using System.Text.Json;
using Allixios.Diagnostics;

namespace Allixios.N8nBridge.Versioning;

/// <summary>
/// Changes n8n workflows through <see cref="IN8nClient"/> and records each change as a version in an
/// <see cref="IWorkflowVersionStore"/>: create, update, activate, deactivate and rollback through the bridge, and on
/// demand a sync of what changed in n8n itself. Versions diff against each other and roll back in one call.
/// </summary>
public sealed class WorkflowVersionControl(IN8nClient n8n, IWorkflowVersionStore store, TimeProvider timeProvider)
{
    /// <summary>The author recorded for a sync when none is given.</summary>
    public const string SyncAuthor = "sync";

    private static readonly JsonSerializerOptions DefinitionJson = new(JsonSerializerDefaults.Web);

    /// <summary>Creates a workflow in n8n (inactive) and records it as version 1.</summary>
    /// <exception cref="AllixiosException">The definition is invalid.</exception>
    /// <exception cref="N8nApiException">n8n refused or failed the call.</exception>
    public async Task<WorkflowVersion> CreateAsync(string tenantId, N8nWorkflowDefinition definition, string author, string? note = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var activity = Start("n8n.workflow.create", tenantId, workflowId: null);
        var created = await n8n.CreateWorkflowAsync(definition, cancellationToken);
        return await RecordAsync(tenantId, created, WorkflowChange.Created, author, note, cancellationToken);
    }

    /// <summary>Replaces a workflow's writable fields in n8n and records the result.</summary>
    public async Task<WorkflowVersion> UpdateAsync(string tenantId, string workflowId, N8nWorkflowDefinition definition, string author, string? note = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var activity = Start("n8n.workflow.update", tenantId, workflowId);
        await RecordBaselineAsync(tenantId, workflowId, cancellationToken);
        var updated = await n8n.UpdateWorkflowAsync(workflowId, definition, cancellationToken);
        return await RecordAsync(tenantId, updated, WorkflowChange.Updated, author, note, cancellationToken);
    }

    /// <summary>Activates a workflow in n8n and records the result.</summary>
    public async Task<WorkflowVersion> ActivateAsync(string tenantId, string workflowId, string author, string? note = null, CancellationToken cancellationToken = default)
    {
        using var activity = Start("n8n.workflow.activate", tenantId, workflowId);
        await RecordBaselineAsync(tenantId, workflowId, cancellationToken);
        var activated = await n8n.ActivateWorkflowAsync(workflowId, cancellationToken);
        return await RecordAsync(tenantId, activated, WorkflowChange.Activated, author, note, cancellationToken);
    }

    /// <summary>Deactivates a workflow in n8n and records the result.</summary>
    public async Task<WorkflowVersion> DeactivateAsync(string tenantId, string workflowId, string author, string? note = null, CancellationToken cancellationToken = default)
    {
        using var activity = Start("n8n.workflow.deactivate", tenantId, workflowId);
        await RecordBaselineAsync(tenantId, workflowId, cancellationToken);
        var deactivated = await n8n.DeactivateWorkflowAsync(workflowId, cancellationToken);
        return await RecordAsync(tenantId, deactivated, WorkflowChange.Deactivated, author, note, cancellationToken);
    }

    /// <summary>
    /// Reads the workflow from n8n and records it as a new version when it differs from the latest (by
    /// <see cref="WorkflowFingerprint"/>), or as version 1 when none is recorded yet; identical, nothing is recorded.
    /// </summary>
    public async Task<WorkflowSyncResult> SyncAsync(string tenantId, string workflowId, string? author = null, CancellationToken cancellationToken = default)
    {
        using var activity = Start("n8n.workflow.sync", tenantId, workflowId);
        var current = await n8n.GetWorkflowAsync(workflowId, cancellationToken);
        var append = await store.AppendAsync(tenantId, NewVersion(current, WorkflowVersionSource.Sync, WorkflowChange.Synced, author ?? SyncAuthor, "changed in n8n"), skipIfUnchanged: true, cancellationToken);
        activity?.SetTag("allixios.n8n.changed", append.Appended);
        return new WorkflowSyncResult(append.Version, append.Appended);
    }

    /// <summary>
    /// Puts the writable fields (name, nodes, connections, settings, static data) of <paramref name="version"/> back in
    /// n8n with one <c>PUT</c>, and records the result as a new version. Activation is not changed.
    /// </summary>
    /// <exception cref="AllixiosException">The tenant has no such version of the workflow (<c>n8n_workflow_version_not_found</c>).</exception>
    public async Task<WorkflowVersion> RollbackAsync(string tenantId, string workflowId, int version, string author, string? note = null, CancellationToken cancellationToken = default)
    {
        using var activity = Start("n8n.workflow.rollback", tenantId, workflowId);
        var target = await GetVersionAsync(tenantId, workflowId, version, cancellationToken);
        var old = JsonSerializer.Deserialize<N8nWorkflow>(target.Definition, DefinitionJson)
            ?? throw new InvalidOperationException($"Version {version} of workflow '{workflowId}' holds no workflow.");
        await RecordBaselineAsync(tenantId, workflowId, cancellationToken);
        var restored = await n8n.UpdateWorkflowAsync(workflowId, N8nWorkflowDefinition.FromWorkflow(old), cancellationToken);
        return await RecordAsync(tenantId, restored, WorkflowChange.RolledBack, author, note is { Length: > 0 } ? note : $"rollback to version {version}", cancellationToken);
    }

    /// <summary>One version.</summary>
    /// <exception cref="AllixiosException">The tenant has no such version (<c>n8n_workflow_version_not_found</c>).</exception>
    public async Task<WorkflowVersion> GetVersionAsync(string tenantId, string workflowId, int version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        return await store.GetAsync(tenantId, workflowId, version, cancellationToken)
            ?? throw new AllixiosException(
                AllixiosErrorKind.NotFound,
                "n8n_workflow_version_not_found",
                $"Workflow '{workflowId}' has no version {version}: list its versions, or sync it to record n8n's current one.");
    }

    /// <summary>A workflow's versions newest first, a page at a time.</summary>
    public Task<IReadOnlyList<WorkflowVersion>> ListVersionsAsync(string tenantId, string workflowId, int limit = 50, int? beforeVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        if (limit is < 1 or > 500)
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "page_size_invalid", $"A page holds 1 to 500 versions; {limit} was asked.");
        }

        return store.ListAsync(tenantId, workflowId, limit, beforeVersion, cancellationToken);
    }

    /// <summary>What changed from version <paramref name="fromVersion"/> to <paramref name="toVersion"/>.</summary>
    /// <exception cref="AllixiosException">Either version does not exist.</exception>
    public async Task<WorkflowDiff> DiffAsync(string tenantId, string workflowId, int fromVersion, int toVersion, CancellationToken cancellationToken = default)
    {
        var from = await GetVersionAsync(tenantId, workflowId, fromVersion, cancellationToken);
        var to = await GetVersionAsync(tenantId, workflowId, toVersion, cancellationToken);
        return WorkflowDiffer.Compare(from, to);
    }

    // A workflow changed through the bridge for the first time has no version yet: record n8n's state before the
    // change (as a sync), so that the change can be diffed and rolled back like any other.
    private async Task RecordBaselineAsync(string tenantId, string workflowId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        if (await store.GetLatestAsync(tenantId, workflowId, cancellationToken) is null)
        {
            var before = await n8n.GetWorkflowAsync(workflowId, cancellationToken);
            await store.AppendAsync(tenantId, NewVersion(before, WorkflowVersionSource.Sync, WorkflowChange.Synced, SyncAuthor, "state before the first change through the bridge"), skipIfUnchanged: true, cancellationToken);
        }
    }

    private async Task<WorkflowVersion> RecordAsync(string tenantId, N8nWorkflow workflow, WorkflowChange change, string author, string? note, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(author);
        var append = await store.AppendAsync(tenantId, NewVersion(workflow, WorkflowVersionSource.Bridge, change, author, note), skipIfUnchanged: false, cancellationToken);
        return append.Version;
    }

    private NewWorkflowVersion NewVersion(N8nWorkflow workflow, WorkflowVersionSource source, WorkflowChange change, string author, string? note)
    {
        var definition = JsonSerializer.SerializeToElement(workflow, DefinitionJson);
        return new NewWorkflowVersion
        {
            WorkflowId = workflow.Id,
            Name = workflow.Name,
            Active = workflow.Active,
            Definition = definition.GetRawText(),
            Hash = WorkflowFingerprint.Compute(definition),
            Source = source,
            Change = change,
            Author = author,
            Note = note ?? string.Empty,
            N8nVersionId = workflow.VersionId,
            CreatedAt = timeProvider.GetUtcNow(),
        };
    }

    private static Activity? Start(string name, string tenantId, string? workflowId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var activity = AllixiosTelemetry.ActivitySource.StartActivity(name);
        activity?.SetTag("allixios.tenant_id", tenantId);
        if (workflowId is not null)
        {
            activity?.SetTag("allixios.n8n.workflow_id", workflowId);
        }

        return activity;
    }
}
