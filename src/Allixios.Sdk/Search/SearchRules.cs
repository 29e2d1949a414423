namespace Allixios.Search;

/// <summary>Checks what callers send, so that both stores accept and reject exactly the same input, with reasons.</summary>
internal static class SearchRules
{
    private const int MaxIdLength = 200;
    private const int MaxTitleLength = 1_000;
    private const int MaxBodyLength = 1_000_000;
    private const int MaxKeywordLength = 200;
    private const int MaxTags = 100;
    private const int MaxCustomFields = 50;
    private const int MaxFacets = 20;
    private const int MaxFilterValues = 100;

    /// <summary>Checks a batch and returns it normalised: dates in UTC to the microsecond (PostgreSQL's precision), tags without repeats.</summary>
    public static IReadOnlyList<SearchDocument> CheckBatch(IReadOnlyList<SearchDocument> documents, SearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            throw AllixiosException.Invalid("search_documents_missing", "The batch has no documents: send at least one.");
        }

        if (documents.Count > options.MaxBatchSize)
        {
            throw AllixiosException.Invalid("search_batch_too_large", $"The batch has {documents.Count} documents; send at most {options.MaxBatchSize} per call.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var normalised = new List<SearchDocument>(documents.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            var document = documents[i] ?? throw AllixiosException.Invalid("search_document_missing", $"Document {i} of the batch is null.");
            CheckId(document.Id, $"documents[{i}].id");
            if (!ids.Add(document.Id))
            {
                throw AllixiosException.Invalid("search_document_repeated", $"Document id '{document.Id}' appears more than once in the batch; send each document once.");
            }

            CheckText(document.Title, MaxTitleLength, $"documents[{i}].title");
            CheckText(document.Body, MaxBodyLength, $"documents[{i}].body");
            if (!TextAnalyzer.IsSupported(document.Language))
            {
                throw UnsupportedLanguage(document.Language, $"documents[{i}].language");
            }

            CheckKeyword(document.Category, $"documents[{i}].category");
            CheckKeyword(document.Author, $"documents[{i}].author");
            var tags = document.Tags ?? [];
            if (tags.Count > MaxTags)
            {
                throw AllixiosException.Invalid("search_document_invalid", $"documents[{i}].tags has {tags.Count} tags; at most {MaxTags} are allowed.");
            }

            foreach (var tag in tags)
            {
                if (string.IsNullOrWhiteSpace(tag))
                {
                    throw AllixiosException.Invalid("search_document_invalid", $"documents[{i}].tags holds a blank tag; remove it.");
                }

                CheckKeyword(tag, $"documents[{i}].tags");
            }

            var fields = document.Fields ?? new Dictionary<string, string>();
            if (fields.Count > MaxCustomFields)
            {
                throw AllixiosException.Invalid("search_document_invalid", $"documents[{i}].fields has {fields.Count} fields; at most {MaxCustomFields} are allowed.");
            }

            foreach (var (name, value) in fields)
            {
                if (!SearchFields.IsCustomName(name))
                {
                    throw AllixiosException.Invalid("search_document_invalid", $"documents[{i}].fields has the field name '{Shorten(name)}': use 1 to 64 letters, digits, '_' or '-'.");
                }

                if (value is null)
                {
                    throw AllixiosException.Invalid("search_document_invalid", $"documents[{i}].fields.{name} is null; leave the field out instead.");
                }

                CheckKeyword(value, $"documents[{i}].fields.{name}");
            }

            normalised.Add(document with
            {
                Tags = tags.Distinct(StringComparer.Ordinal).ToList(),
                Fields = new SortedDictionary<string, string>(fields.ToDictionary(), StringComparer.Ordinal),
                PublishedAt = Microseconds(document.PublishedAt),
                UpdatedAt = Microseconds(document.UpdatedAt),
            });
        }

        return normalised;
    }

    public static IReadOnlyList<string> CheckIds(IReadOnlyList<string> ids, SearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            throw AllixiosException.Invalid("search_ids_missing", "Name at least one document id.");
        }

        if (ids.Count > options.MaxBatchSize)
        {
            throw AllixiosException.Invalid("search_batch_too_large", $"The call names {ids.Count} documents; name at most {options.MaxBatchSize} per call.");
        }

        for (var i = 0; i < ids.Count; i++)
        {
            CheckId(ids[i], $"ids[{i}]");
        }

        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    public static void CheckQuery(SearchQuery query, SearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query.Text))
        {
            throw AllixiosException.Invalid("search_query_empty", "The query text is empty: send the words to search for.");
        }

        if (query.Text.Length > options.MaxQueryLength)
        {
            throw AllixiosException.Invalid("search_query_too_long", $"The query text has {query.Text.Length} characters; send at most {options.MaxQueryLength}.");
        }

        if (query.Text.Contains('\0', StringComparison.Ordinal))
        {
            throw AllixiosException.Invalid("search_query_invalid", "The query text contains a NUL character; remove it.");
        }

        if (query.Top < 1 || query.Top > options.MaxTop)
        {
            throw AllixiosException.Invalid("search_top_out_of_range", $"top is {query.Top}; ask for 1 to {options.MaxTop} hits (page further with offset).");
        }

        if (query.Offset < 0 || query.Offset > options.MaxOffset)
        {
            throw AllixiosException.Invalid("search_offset_out_of_range", $"offset is {query.Offset}; it must be 0 to {options.MaxOffset}.");
        }

        if (query.Feedback is { } feedback)
        {
            CheckFeedback(feedback);
        }

        if (!TextAnalyzer.IsSupported(query.Language))
        {
            throw UnsupportedLanguage(query.Language, "language");
        }

        if (!Enum.IsDefined(query.Sort))
        {
            throw AllixiosException.Invalid("search_sort_invalid", $"Sort {(int)query.Sort} is not known; use relevance, published_newest, published_oldest, updated_newest or updated_oldest.");
        }

        foreach (var filter in query.Filters ?? [])
        {
            CheckFilter(filter);
        }

        var facets = query.Facets ?? [];
        if (facets.Count > MaxFacets)
        {
            throw AllixiosException.Invalid("search_facets_too_many", $"The query asks for {facets.Count} facets; ask for at most {MaxFacets}.");
        }

        foreach (var facet in facets)
        {
            if (facet is null || !SearchFields.IsKeyword(facet))
            {
                throw AllixiosException.Invalid("search_facet_unknown_field", $"Cannot facet by '{Shorten(facet)}': facet by {SearchFields.Describe().Replace($"'{SearchFields.PublishedAt}', '{SearchFields.UpdatedAt}' or ", string.Empty, StringComparison.Ordinal)} or 'fields.<name>'.");
            }
        }
    }

    private static void CheckFilter(SearchFilter filter)
    {
        if (filter is null)
        {
            throw AllixiosException.Invalid("search_filter_invalid", "A filter is null; remove it.");
        }

        if (SearchFields.IsDate(filter.Field))
        {
            if ((filter.Values ?? []).Count > 0)
            {
                throw AllixiosException.Invalid("search_filter_invalid", $"'{filter.Field}' is a date: filter it with from and/or to, not values.");
            }

            if (filter.From is null && filter.To is null)
            {
                throw AllixiosException.Invalid("search_filter_invalid", $"The filter on '{filter.Field}' has neither from nor to; give at least one.");
            }

            if (filter.From >= filter.To)
            {
                throw AllixiosException.Invalid("search_filter_invalid", $"The filter on '{filter.Field}' has from at or after to; from is included and to excluded, so from must come first.");
            }

            return;
        }

        if (filter.Field is null || !SearchFields.IsKeyword(filter.Field))
        {
            throw AllixiosException.Invalid("search_filter_unknown_field", $"Cannot filter on '{Shorten(filter.Field)}': filter on {SearchFields.Describe()}.");
        }

        if (filter.From is not null || filter.To is not null)
        {
            throw AllixiosException.Invalid("search_filter_invalid", $"'{filter.Field}' is not a date: filter it with values, not from or to.");
        }

        var values = filter.Values ?? [];
        if (values.Count == 0 || values.Count > MaxFilterValues || values.Any(v => v is null || v.Contains('\0', StringComparison.Ordinal)))
        {
            throw AllixiosException.Invalid("search_filter_invalid", $"The filter on '{filter.Field}' needs 1 to {MaxFilterValues} values without NUL characters.");
        }
    }

    private static void CheckId(string? id, string where)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || id.Any(char.IsControl))
        {
            throw AllixiosException.Invalid("search_document_id_invalid", $"{where} must be a document id of 1 to {MaxIdLength} characters without control characters.");
        }
    }

    private static void CheckText(string? text, int maxLength, string where)
    {
        if (text is null)
        {
            throw AllixiosException.Invalid("search_document_invalid", $"{where} is missing; send an empty string for none.");
        }

        if (text.Length > maxLength)
        {
            throw AllixiosException.Invalid("search_document_invalid", $"{where} has {text.Length} characters; at most {maxLength} are allowed.");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw AllixiosException.Invalid("search_document_invalid", $"{where} contains a NUL character; remove it.");
        }
    }

    private static void CheckKeyword(string? value, string where)
    {
        if (value is not null && (value.Length > MaxKeywordLength || value.Contains('\0', StringComparison.Ordinal)))
        {
            throw AllixiosException.Invalid("search_document_invalid", $"{where} must be at most {MaxKeywordLength} characters without NUL characters.");
        }
    }

    private static AllixiosException UnsupportedLanguage(string? language, string where)
        => AllixiosException.Invalid("search_language_unsupported", $"{where} is '{Shorten(language)}', which is not supported: use one of {string.Join(", ", TextAnalyzer.Languages.Order(StringComparer.Ordinal))}.");

    private static DateTimeOffset? Microseconds(DateTimeOffset? value)
        => value is { } v ? new DateTimeOffset(v.UtcTicks - (v.UtcTicks % 10), TimeSpan.Zero) : null;

    private static string Shorten(string? text) => text is null ? "(null)" : text.Length <= 80 ? text : text[..80] + "…";

    private static void CheckFeedback(QueryFeedback feedback)
    {
        if (feedback.FeedbackDocuments is < 1 or > QueryFeedback.MaxFeedbackDocuments)
        {
            throw AllixiosException.Invalid("search_feedback_invalid", $"feedback documents is {feedback.FeedbackDocuments}; use 1 to {QueryFeedback.MaxFeedbackDocuments}.");
        }

        if (feedback.ExpansionTerms is < 1 or > QueryFeedback.MaxExpansionTerms)
        {
            throw AllixiosException.Invalid("search_feedback_invalid", $"feedback expansion terms is {feedback.ExpansionTerms}; use 1 to {QueryFeedback.MaxExpansionTerms}.");
        }

        if (!(feedback.OriginalQueryWeight is >= 0 and <= 1))
        {
            throw AllixiosException.Invalid("search_feedback_invalid", $"feedback original query weight is {feedback.OriginalQueryWeight}; use 0 to 1.");
        }
    }
}
