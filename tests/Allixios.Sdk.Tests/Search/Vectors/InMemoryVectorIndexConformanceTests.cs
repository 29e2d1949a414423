using Allixios.Search.Vectors;
using Allixios.Testing.Search;

namespace Allixios.Sdk.Tests.Search.Vectors;

public sealed class InMemoryVectorIndexConformanceTests : VectorIndexConformance
{
    protected override Task<IVectorIndex> CreateIndexAsync() => Task.FromResult<IVectorIndex>(new InMemoryVectorIndex());
}
