using Allixios.Search.Analytics;
using Allixios.Testing.Search;

namespace Allixios.Sdk.Tests.Search;

// The embedded default analytics store against the conformance suite that the PostgreSQL store also passes.
public sealed class InMemorySearchAnalyticsStoreConformanceTests : SearchAnalyticsStoreConformance
{
    protected override Task<ISearchAnalyticsStore> CreateStoreAsync() => Task.FromResult<ISearchAnalyticsStore>(new InMemorySearchAnalyticsStore());
}
