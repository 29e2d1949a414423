namespace Allixios.Search.Discovery;

/// <summary>A recommended document.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Score">How strongly it is recommended; higher is better. Its scale depends on the recommender (see its method).</param>
/// <param name="Title">The document's title.</param>
/// <param name="Sources">Why: <c>content</c> (similar text or meaning), <c>behaviour</c> (viewed by the same users), or both.</param>
public sealed record Recommendation(string Id, double Score, string Title, IReadOnlyList<string> Sources);
