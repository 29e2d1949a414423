using Allixios.Orchestration;
using Allixios.Testing.Webhooks;
using Allixios.Webhooks;
using Xunit;

namespace Allixios.IntegrationTests.Webhooks;

// Webhooks in PostgreSQL, fed by migration 0014's trigger on the PostgreSQL queue, against the suite the in-memory store also passes.
public sealed class PostgresWebhookStoreConformanceTests(MigratedPostgresDatabase database) : WebhookStoreConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<IWebhookStore> CreateStoreAsync()
    {
        await using var truncate = database.DataSource.CreateCommand("TRUNCATE webhook_attempts, webhook_messages, webhook_subscriptions, job_dependencies, job_events, jobs");
        await truncate.ExecuteNonQueryAsync();
        return new PostgresWebhookStore(database.DataSource);
    }

    protected override Task<IJobQueue> CreateQueueAsync(IWebhookStore store, TimeProvider time) => Task.FromResult<IJobQueue>(new PostgresJobQueue(database.DataSource, time));
}
