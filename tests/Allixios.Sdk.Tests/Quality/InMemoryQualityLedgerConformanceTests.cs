using Allixios.Quality;
using Allixios.Testing.Quality;

namespace Allixios.Sdk.Tests.Quality;

// The embedded default quality ledger against the conformance suite that the PostgreSQL one also passes.
public sealed class InMemoryQualityLedgerConformanceTests : QualityLedgerConformance
{
    protected override Task<IQualityLedger> CreateLedgerAsync() => Task.FromResult<IQualityLedger>(new InMemoryQualityLedger());
}
