using System.Text.RegularExpressions;

namespace Allixios.Search;

/// <summary>The fields a query can filter on and facet by.</summary>
public static partial class SearchFields
{
    /// <summary>The document's category (keyword).</summary>
    public const string Category = "category";

    /// <summary>The document's tags (keywords; a filter matches when the document has any of the values).</summary>
    public const string Tags = "tags";

    /// <summary>The document's author (keyword).</summary>
    public const string Author = "author";

    /// <summary>The document's language code (keyword).</summary>
    public const string Language = "language";

    /// <summary>When the document was published (date).</summary>
    public const string PublishedAt = "published_at";

    /// <summary>When the document was last changed (date).</summary>
    public const string UpdatedAt = "updated_at";

    /// <summary>The prefix of custom fields: <c>fields.name</c>.</summary>
    public const string CustomPrefix = "fields.";

    /// <summary>Whether <paramref name="field"/> is a date field.</summary>
    public static bool IsDate(string field) => field is PublishedAt or UpdatedAt;

    /// <summary>Whether <paramref name="field"/> names a keyword field (built in or <c>fields.name</c>).</summary>
    public static bool IsKeyword(string field) => field is Category or Tags or Author or Language
        || (field.StartsWith(CustomPrefix, StringComparison.Ordinal) && IsCustomName(field[CustomPrefix.Length..]));

    /// <summary>Whether <paramref name="name"/> is a valid custom field name.</summary>
    public static bool IsCustomName(string name) => CustomNamePattern().IsMatch(name);

    internal static string Describe() =>
        $"'{Category}', '{Tags}', '{Author}', '{Language}', '{PublishedAt}', '{UpdatedAt}' or 'fields.<name>'";

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CustomNamePattern();
}
