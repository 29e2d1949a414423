using System.Text.Json;
using Allixios.N8nBridge.Versioning;
using Xunit;

namespace Allixios.Testing.N8nBridge;

/// <summary>The contract of <see cref="IWorkflowVersionStore"/>; derive once per implementation.</summary>
public abstract class WorkflowVersionStoreConformance : IAsyncLifetime
{
    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private IWorkflowVersionStore? _store;

    private IWorkflowVersionStore Store => _store ?? throw new InvalidOperationException("Created in InitializeAsync.");

    /// <summary>Creates a fresh, empty store.</summary>
    protected abstract Task<IWorkflowVersionStore> CreateStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Versions_are_numbered_from_one_in_order_and_read_back_whole()
    {
        var first = await Store.AppendAsync(TenantA, Version("wf1", "h1", nodes: 1));
        var second = await Store.AppendAsync(TenantA, Version("wf1", "h2", nodes: 2) with { Active = true, Change = WorkflowChange.Activated, Note = "go live", N8nVersionId = null });

        Assert.True(first.Appended);
        Assert.Equal(1, first.Version.Version);
        Assert.Equal(2, second.Version.Version);
        var read = await Store.GetAsync(TenantA, "wf1", 1);
        Assert.NotNull(read);
        Assert.Equal("Brief to article", read.Name);
        Assert.Equal("h1", read.Hash);
        Assert.Equal(WorkflowVersionSource.Bridge, read.Source);
        Assert.Equal(WorkflowChange.Updated, read.Change);
        Assert.Equal("ops@acme", read.Author);
        Assert.Equal("n8n-v-h1", read.N8nVersionId);
        Assert.Equal(T0, read.CreatedAt);
        Assert.Equal(TenantA, read.TenantId);
        using var definition = JsonDocument.Parse(read.Definition);
        Assert.Equal(1, definition.RootElement.GetProperty("nodes").GetArrayLength());
        var latest = await Store.GetLatestAsync(TenantA, "wf1");
        Assert.Equal(2, latest!.Version);
        Assert.True(latest.Active);
        Assert.Equal(WorkflowChange.Activated, latest.Change);
        Assert.Equal("go live", latest.Note);
        Assert.Null(latest.N8nVersionId);
    }

    [Fact]
    public async Task An_unchanged_hash_records_nothing_when_asked_and_answers_the_latest_version()
    {
        await Store.AppendAsync(TenantA, Version("wf1", "same"));

        var again = await Store.AppendAsync(TenantA, Version("wf1", "same") with { Source = WorkflowVersionSource.Sync, Change = WorkflowChange.Synced }, skipIfUnchanged: true);
        var changed = await Store.AppendAsync(TenantA, Version("wf1", "other") with { Source = WorkflowVersionSource.Sync, Change = WorkflowChange.Synced }, skipIfUnchanged: true);
        var forced = await Store.AppendAsync(TenantA, Version("wf1", "other"));

        Assert.False(again.Appended);
        Assert.Equal(1, again.Version.Version);
        Assert.Equal(WorkflowVersionSource.Bridge, again.Version.Source);
        Assert.True(changed.Appended);
        Assert.Equal(2, changed.Version.Version);
        Assert.Equal(WorkflowVersionSource.Sync, changed.Version.Source);
        Assert.True(forced.Appended);
        Assert.Equal(3, forced.Version.Version);
    }

    [Fact]
    public async Task The_first_sync_of_a_workflow_records_version_one()
    {
        var first = await Store.AppendAsync(TenantA, Version("wf9", "h"), skipIfUnchanged: true);

        Assert.True(first.Appended);
        Assert.Equal(1, first.Version.Version);
    }

    [Fact]
    public async Task Unknown_versions_and_workflows_read_as_nothing()
    {
        await Store.AppendAsync(TenantA, Version("wf1", "h1"));

        Assert.Null(await Store.GetAsync(TenantA, "wf1", 2));
        Assert.Null(await Store.GetAsync(TenantA, "wf1", 0));
        Assert.Null(await Store.GetAsync(TenantA, "nope", 1));
        Assert.Null(await Store.GetLatestAsync(TenantA, "nope"));
        Assert.Empty(await Store.ListAsync(TenantA, "nope", 10));
    }

    [Fact]
    public async Task Versions_are_listed_newest_first_a_page_at_a_time()
    {
        for (var i = 1; i <= 5; i++)
        {
            await Store.AppendAsync(TenantA, Version("wf1", $"h{i}"));
        }

        var first = await Store.ListAsync(TenantA, "wf1", 2);
        var next = await Store.ListAsync(TenantA, "wf1", 2, beforeVersion: first[^1].Version);
        var last = await Store.ListAsync(TenantA, "wf1", 2, beforeVersion: next[^1].Version);

        Assert.Equal([5, 4], first.Select(v => v.Version));
        Assert.Equal([3, 2], next.Select(v => v.Version));
        Assert.Equal([1], last.Select(v => v.Version));
    }

    [Fact]
    public async Task Tenants_never_see_each_others_versions_and_number_their_own()
    {
        await Store.AppendAsync(TenantA, Version("wf1", "a1"));
        await Store.AppendAsync(TenantA, Version("wf1", "a2"));

        Assert.Null(await Store.GetAsync(TenantB, "wf1", 1));
        Assert.Null(await Store.GetLatestAsync(TenantB, "wf1"));
        Assert.Empty(await Store.ListAsync(TenantB, "wf1", 10));
        var own = await Store.AppendAsync(TenantB, Version("wf1", "a2"), skipIfUnchanged: true);
        Assert.True(own.Appended);
        Assert.Equal(1, own.Version.Version);
        Assert.Equal(TenantB, own.Version.TenantId);
    }

    [Fact]
    public async Task Concurrent_appends_get_distinct_consecutive_numbers()
    {
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => Store.AppendAsync(TenantA, Version("wf-busy", $"h{i}")))));

        var all = await Store.ListAsync(TenantA, "wf-busy", 100);

        Assert.Equal(Enumerable.Range(1, 12).Reverse(), all.Select(v => v.Version));
        Assert.Equal(12, all.Select(v => v.Hash).Distinct().Count());
    }

    private static NewWorkflowVersion Version(string workflowId, string hash, int nodes = 1) => new()
    {
        WorkflowId = workflowId,
        Name = "Brief to article",
        Active = false,
        Definition = Definition(workflowId, nodes),
        Hash = hash,
        Source = WorkflowVersionSource.Bridge,
        Change = WorkflowChange.Updated,
        Author = "ops@acme",
        N8nVersionId = "n8n-v-" + hash,
        CreatedAt = T0,
    };

    private static string Definition(string workflowId, int nodes)
    {
        var list = string.Join(',', Enumerable.Range(0, nodes).Select(i => "{\"name\":\"N" + i + "\",\"type\":\"n8n-nodes-base.noOp\",\"parameters\":{}}"));
        return "{\"id\":\"" + workflowId + "\",\"name\":\"Brief to article\",\"active\":false,\"nodes\":[" + list + "],\"connections\":{},\"settings\":{\"executionOrder\":\"v1\"}}";
    }
}
