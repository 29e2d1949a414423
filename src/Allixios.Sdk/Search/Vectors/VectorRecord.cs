namespace Allixios.Search.Vectors;

/// <summary>One document's vector in a vector index.</summary>
/// <param name="DocumentId">The document's id within its tenant: 1 to 256 characters.</param>
/// <param name="Vector">The vector: 1 to 16,000 finite values, not all zero, as many as every other vector of the index.</param>
public sealed record VectorRecord(string DocumentId, ReadOnlyMemory<float> Vector);
