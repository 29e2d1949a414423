using Allixios.Orchestration;
using Allixios.Testing.Webhooks;
using Allixios.Webhooks;

namespace Allixios.Sdk.Tests.Webhooks;

// Webhooks in memory, fed by the in-memory queue, against the suite the PostgreSQL store also passes.
public sealed class InMemoryWebhookStoreConformanceTests : WebhookStoreConformance
{
    protected override Task<IWebhookStore> CreateStoreAsync() => Task.FromResult<IWebhookStore>(new InMemoryWebhookStore());

    protected override Task<IJobQueue> CreateQueueAsync(IWebhookStore store, TimeProvider time) =>
        Task.FromResult<IJobQueue>(new InMemoryJobQueue(time) { Observer = (InMemoryWebhookStore)store });
}
