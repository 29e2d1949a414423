namespace Allixios.Search.Hybrid;

/// <summary>
/// The least a vector index must offer for semantic and hybrid search: the nearest documents of a tenant to a query
/// vector, best first, with their similarity. Register one (with an embedding generator) to enable those modes.
/// </summary>
public interface IVectorSearch
{
    /// <summary>Up to <paramref name="top"/> of the tenant's documents nearest to <paramref name="vector"/>, best first.</summary>
    ValueTask<IReadOnlyList<RankedItem>> SearchAsync(string tenantId, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken = default);
}
