using Allixios.Testing.Usage;
using Allixios.Usage;

namespace Allixios.Sdk.Tests.Usage;

// The embedded default counters against the conformance suite that the Redis and PostgreSQL counters also pass.
public sealed class InMemoryRateLimitCounterStoreConformanceTests : RateLimitCounterStoreConformance
{
    protected override Task<IRateLimitCounterStore> CreateStoreAsync() => Task.FromResult<IRateLimitCounterStore>(new InMemoryRateLimitCounterStore());
}
