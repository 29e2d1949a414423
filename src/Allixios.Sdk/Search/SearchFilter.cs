namespace Allixios.Search;

/// <summary>
/// One condition a hit must meet. On <c>category</c>, <c>author</c>, <c>language</c>, <c>tags</c> and
/// <c>fields.name</c>: the field has one of <see cref="Values"/> (for tags: the document has one of them). On
/// <c>published_at</c> and <c>updated_at</c>: the date lies in [<see cref="From"/>, <see cref="To"/>). Filters
/// in one query must all hold.
/// </summary>
/// <param name="Field">The field: see <see cref="SearchFields"/>.</param>
public sealed record SearchFilter(string Field)
{
    /// <summary>The values a keyword field may have (any of them).</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>The earliest date included, for a date field; unbounded when <see langword="null"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>The first date excluded, for a date field; unbounded when <see langword="null"/>.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>A filter on a keyword field: it has one of <paramref name="values"/>.</summary>
    public static SearchFilter AnyOf(string field, params string[] values) => new(field) { Values = values };

    /// <summary>A filter on a date field: it lies in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static SearchFilter Between(string field, DateTimeOffset? from, DateTimeOffset? to) => new(field) { From = from, To = to };
}
