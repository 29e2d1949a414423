namespace Allixios.Search;

/// <summary>How far a batch upsert or a reindex has got.</summary>
/// <param name="Processed">Documents analysed and written so far (in the current <see cref="Stage"/>).</param>
/// <param name="Total">Documents in the batch (or in the tenant, for a reindex).</param>
public readonly record struct SearchIndexingProgress(int Processed, int Total)
{
    /// <summary>The step reported on. Default: <see cref="SearchIndexingStage.Indexing"/>.</summary>
    public SearchIndexingStage Stage { get; init; }
}
