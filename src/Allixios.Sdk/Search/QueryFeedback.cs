namespace Allixios.Search;

/// <summary>
/// Pseudo-relevance feedback (RM3, Lavrenko and Croft; as in Anserini): the query's best BM25 hits are taken as relevant,
/// the terms most probable in them are added to the query, and the expanded query ranks the documents again. It finds
/// documents that say the same thing in other words, at the price of a second pass. The defaults are Anserini's RM3
/// defaults except <see cref="ExpansionTerms"/> (20 rather than 10), chosen on the Cranfield collection (see the README).
/// </summary>
public sealed record QueryFeedback
{
    /// <summary>The most documents <see cref="FeedbackDocuments"/> may be.</summary>
    public const int MaxFeedbackDocuments = 100;

    /// <summary>The most terms <see cref="ExpansionTerms"/> may be.</summary>
    public const int MaxExpansionTerms = 100;

    /// <summary>How many of the first pass's best hits are taken as relevant. Default: 10. Range: 1 to 100.</summary>
    public int FeedbackDocuments { get; init; } = 10;

    /// <summary>How many terms of those documents are added (with weights) to the query. Default: 20. Range: 1 to 100.</summary>
    public int ExpansionTerms { get; init; } = 20;

    /// <summary>The share of the expanded query's weight kept by the original terms; the rest goes to the added ones. Default: 0.5. Range: 0 to 1.</summary>
    public double OriginalQueryWeight { get; init; } = 0.5;
}
