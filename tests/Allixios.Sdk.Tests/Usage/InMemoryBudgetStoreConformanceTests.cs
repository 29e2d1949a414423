using Allixios.Testing.Usage;
using Allixios.Usage;

namespace Allixios.Sdk.Tests.Usage;

// The embedded default budget store against the conformance suite that the PostgreSQL store also passes.
public sealed class InMemoryBudgetStoreConformanceTests : BudgetStoreConformance
{
    protected override Task<IBudgetStore> CreateStoreAsync(TimeProvider time) => Task.FromResult<IBudgetStore>(new InMemoryBudgetStore(time));
}
