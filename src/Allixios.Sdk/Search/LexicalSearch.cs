namespace Allixios.Search;

/// <summary>The steps of a query that do not depend on the store: checking, parsing, resolving, building hits.</summary>
internal static class LexicalSearch
{
    /// <summary>The query resolved against the tenant's terms, or <see langword="null"/> when nothing searchable is left (the answer is empty).</summary>
    public static async ValueTask<ResolvedQuery?> PrepareAsync(ISearchVocabulary vocabulary, string tenantId, SearchQuery query, SearchOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        SearchRules.CheckQuery(query, options);
        var parsed = LexicalQuery.Parse(query.Text, query.Language);
        if (parsed.IsEmpty)
        {
            return null;
        }

        var resolved = await ResolvedQuery.ResolveAsync(parsed, vocabulary, tenantId, query, options, cancellationToken);
        return resolved.Weights.Count == 0 ? null : resolved;
    }

    public static SearchHit ToHit(SearchDocument document, double score, SearchQuery query, ResolvedQuery resolved, SearchOptions options) =>
        new(document.Id, score, document.Title, query.Highlight ? SnippetBuilder.Build(document.Body, document.Language, resolved.Weights.Keys.ToHashSet(StringComparer.Ordinal), options.SnippetLength) : null)
        {
            Category = document.Category,
            Tags = document.Tags,
            Author = document.Author,
            PublishedAt = document.PublishedAt,
            UpdatedAt = document.UpdatedAt,
        };

    /// <summary>The values of a keyword field in a document (tags: each distinct tag).</summary>
    public static IEnumerable<string> ValuesOf(SearchDocument document, string field) => field switch
    {
        SearchFields.Category => document.Category is { } c ? [c] : [],
        SearchFields.Author => document.Author is { } a ? [a] : [],
        SearchFields.Language => [document.Language],
        SearchFields.Tags => document.Tags,
        _ => document.Fields.TryGetValue(field[SearchFields.CustomPrefix.Length..], out var v) ? [v] : [],
    };

    public static bool Matches(SearchDocument document, SearchFilter filter)
    {
        if (SearchFields.IsDate(filter.Field))
        {
            var date = filter.Field == SearchFields.PublishedAt ? document.PublishedAt : document.UpdatedAt;
            return date is { } d && (filter.From is null || d >= filter.From) && (filter.To is null || d < filter.To);
        }

        return ValuesOf(document, filter.Field).Any(v => filter.Values.Contains(v, StringComparer.Ordinal));
    }
}
