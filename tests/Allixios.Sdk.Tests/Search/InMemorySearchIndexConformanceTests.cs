using Allixios.Search;
using Allixios.Testing.Search;
using Microsoft.Extensions.Options;

namespace Allixios.Sdk.Tests.Search;

// The embedded default's index against the suite the PostgreSQL index also passes.
public sealed class InMemorySearchIndexConformanceTests : SearchIndexConformance
{
    protected override Task<ISearchIndex> CreateIndexAsync() => Task.FromResult<ISearchIndex>(new InMemorySearchIndex(Options.Create(new SearchOptions())));
}
