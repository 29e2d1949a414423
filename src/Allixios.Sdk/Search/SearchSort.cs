namespace Allixios.Search;

/// <summary>The order of hits. Ties are broken by score, then by id (ordinal); documents without the date come last.</summary>
public enum SearchSort
{
    /// <summary>Best match first (BM25 score).</summary>
    Relevance = 0,

    /// <summary>Newest <see cref="SearchDocument.PublishedAt"/> first.</summary>
    PublishedNewest = 1,

    /// <summary>Oldest <see cref="SearchDocument.PublishedAt"/> first.</summary>
    PublishedOldest = 2,

    /// <summary>Most recent <see cref="SearchDocument.UpdatedAt"/> first.</summary>
    UpdatedNewest = 3,

    /// <summary>Least recent <see cref="SearchDocument.UpdatedAt"/> first.</summary>
    UpdatedOldest = 4,
}
