using Allixios.Orchestration;
using Allixios.Testing.Orchestration;

namespace Allixios.Sdk.Tests.Orchestration;

// Workflows on the embedded default queue, against the suite the PostgreSQL queue also passes.
public sealed class InMemoryJobDependencyConformanceTests : JobDependencyConformance
{
    protected override Task<IJobQueue> CreateQueueAsync(TimeProvider time) => Task.FromResult<IJobQueue>(new InMemoryJobQueue(time));
}
