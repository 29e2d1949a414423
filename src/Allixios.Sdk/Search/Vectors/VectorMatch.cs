namespace Allixios.Search.Vectors;

/// <summary>A document found near a query vector.</summary>
/// <param name="DocumentId">The document's id.</param>
/// <param name="Score">The cosine similarity of its vector to the query's, from -1 to 1; higher is nearer.</param>
public sealed record VectorMatch(string DocumentId, double Score);
