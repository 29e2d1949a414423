using Allixios.N8nBridge.Versioning;
using Allixios.Testing.N8nBridge;
using Xunit;

namespace Allixios.IntegrationTests.N8nBridge;

// Workflow versions in PostgreSQL (migration 0015, row-level security by tenant), against the suite the in-memory store also passes.
public sealed class PostgresWorkflowVersionStoreConformanceTests(MigratedPostgresDatabase database) : WorkflowVersionStoreConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<IWorkflowVersionStore> CreateStoreAsync()
    {
        await using var truncate = database.DataSource.CreateCommand("TRUNCATE n8n_workflow_versions");
        await truncate.ExecuteNonQueryAsync();
        return new PostgresWorkflowVersionStore(database.DataSource);
    }
}
