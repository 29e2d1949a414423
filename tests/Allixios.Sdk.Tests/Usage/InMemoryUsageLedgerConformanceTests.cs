using Allixios.Testing.Usage;
using Allixios.Usage;

namespace Allixios.Sdk.Tests.Usage;

// The embedded default ledger against the conformance suite that the PostgreSQL ledger also passes.
public sealed class InMemoryUsageLedgerConformanceTests : UsageLedgerConformance
{
    protected override Task<IUsageLedger> CreateLedgerAsync() => Task.FromResult<IUsageLedger>(new InMemoryUsageLedger());
}
