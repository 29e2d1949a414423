namespace Allixios.Search;

/// <summary>One indexed term as the analyzer produced it.</summary>
/// <param name="Term">The term after lower-casing and stemming.</param>
/// <param name="Position">Its word position (stop words leave gaps), from 0.</param>
/// <param name="Start">Where its word starts in the analysed text.</param>
/// <param name="End">Where its word ends in the analysed text (exclusive).</param>
internal readonly record struct AnalyzedToken(string Term, int Position, int Start, int End);
