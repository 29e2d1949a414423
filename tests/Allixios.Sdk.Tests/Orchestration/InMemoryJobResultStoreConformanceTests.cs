using Allixios.Orchestration;
using Allixios.Testing.Orchestration;

namespace Allixios.Sdk.Tests.Orchestration;

// The embedded default result store against the conformance suite that the PostgreSQL one also passes.
public sealed class InMemoryJobResultStoreConformanceTests : JobResultStoreConformance
{
    protected override Task<(IJobQueue Queue, IJobResultStore Results)> CreateAsync(TimeProvider time)
    {
        var queue = new InMemoryJobQueue(time);
        return Task.FromResult<(IJobQueue, IJobResultStore)>((queue, new InMemoryJobResultStore(queue, time)));
    }
}
