namespace Allixios.Search;

/// <summary>
/// Okapi BM25 as Lucene computes it: idf = ln(1 + (N − df + 0.5) / (df + 0.5)); a term adds
/// idf · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl)) per time the query names it. PostgreSQL evaluates the same
/// expression in the same order (see PostgresSearchIndex), and scores are rounded to 6 decimals (half to even, like
/// PostgreSQL's float8 round) so both stores order hits alike.
/// </summary>
internal static class Bm25
{
    public static double Idf(double documentCount, double documentFrequency)
        => Math.Log(1 + ((documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    public static double Term(double weight, int tf, int documentLength, double averageLength, double k1, double b)
        => weight * tf * (k1 + 1) / (tf + (k1 * (1 - b + (b * documentLength / averageLength))));

    public static double Round(double score) => Math.Round(score * 1_000_000.0, MidpointRounding.ToEven) / 1_000_000.0;
}
