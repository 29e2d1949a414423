using Allixios.Orchestration;
using Allixios.Testing.Orchestration;

namespace Allixios.Sdk.Tests.Orchestration;

// The embedded default queue against the conformance suite that the PostgreSQL queue also passes.
public sealed class InMemoryJobQueueConformanceTests : JobQueueConformance
{
    protected override Task<IJobQueue> CreateQueueAsync(TimeProvider time) => Task.FromResult<IJobQueue>(new InMemoryJobQueue(time));
}
