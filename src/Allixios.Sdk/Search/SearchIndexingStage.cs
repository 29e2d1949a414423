namespace Allixios.Search;

/// <summary>The step of indexing a <see cref="SearchIndexingProgress"/> reports on.</summary>
public enum SearchIndexingStage
{
    /// <summary>Analysing documents and writing their lexical structures.</summary>
    Indexing = 0,

    /// <summary>Computing documents' vectors and writing them (semantic search; a reindex re-embeds every document).</summary>
    Embedding = 1,
}
