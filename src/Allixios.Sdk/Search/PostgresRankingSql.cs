using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Search;

/// <summary>
/// The SQL that ranks one resolved query by BM25 over <c>search_postings</c>, with its parameters: <c>$1</c> the tenant,
/// <c>$2</c>/<c>$3</c> the terms and their query weights, <c>$4</c>/<c>$5</c> k1 and b, then the filters' and phrases'
/// values. Two shapes: <see cref="Matched"/> scores every matching document (what facets, date sorts and exact totals
/// need) and <see cref="TopPage"/> finds the best page without scoring the documents only common terms match.
/// </summary>
internal sealed class PostgresRankingSql
{
    // The BM25 arithmetic mirrors Bm25.Idf, Bm25.Term and Bm25.Round operation for operation, so both stores agree.
    private const string Weights = """
        q AS (SELECT * FROM unnest($2::text[], $3::float8[]) AS q(term, qtf)),
        st AS (SELECT doc_count::float8 AS n, total_length::float8 / doc_count AS avgdl FROM search_stats WHERE tenant_id = $1 AND doc_count > 0),
        w AS (
            SELECT t.term, t.df, q.qtf * ln(1 + ((st.n - t.df::float8 + 0.5::float8) / (t.df::float8 + 0.5::float8))) AS weight
            FROM q JOIN search_terms t ON t.tenant_id = $1 AND t.term = q.term CROSS JOIN st)
        """;

    private const string TermScore = "w.weight * p.tf * ($4 + 1) / (p.tf + ($4 * (1 - $5 + ($5 * p.doc_length / st.avgdl))))";

    // The same arithmetic over a forward row's unnested entry (u.tf) and its document length (f.doc_length).
    private const string ForwardTermScore = "w.weight * u.tf * ($4 + 1) / (u.tf + ($4 * (1 - $5 + ($5 * f.doc_length / st.avgdl))))";


    private readonly List<(object Value, NpgsqlDbType? Type)> _values;
    private readonly string _conditions;

    public PostgresRankingSql(SearchQuery query, ResolvedQuery resolved, SearchOptions options)
    {
        _values =
        [
            (resolved.Weights.Keys.ToArray(), null),
            (resolved.Weights.Values.ToArray(), null),
            (options.K1, NpgsqlDbType.Double),
            (options.B, NpgsqlDbType.Double),
        ];
        var conditions = new List<string>();
        if (resolved.Phrases.Count > 0)
        {
            conditions.Add($"d.lexemes @@ {Parameter(PhraseQuery(resolved.Phrases))}::tsquery");
        }

        foreach (var filter in query.Filters)
        {
            conditions.Add(filter.Field switch
            {
                SearchFields.PublishedAt or SearchFields.UpdatedAt => string.Join(" AND ", new[]
                {
                    filter.From is { } from ? $"d.{filter.Field} >= {Parameter(from.ToUniversalTime(), NpgsqlDbType.TimestampTz)}" : null,
                    filter.To is { } to ? $"d.{filter.Field} < {Parameter(to.ToUniversalTime(), NpgsqlDbType.TimestampTz)}" : null,
                }.OfType<string>()),
                SearchFields.Tags => $"d.tags && {Parameter(filter.Values.ToArray())}::text[]",
                SearchFields.Category or SearchFields.Author or SearchFields.Language => $"d.{filter.Field} = ANY({Parameter(filter.Values.ToArray())}::text[])",
                _ => $"d.fields ->> {Parameter(filter.Field[SearchFields.CustomPrefix.Length..], NpgsqlDbType.Text)} = ANY({Parameter(filter.Values.ToArray())}::text[])",
            });
        }

        _conditions = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
        HasConditions = conditions.Count > 0;
    }

    /// <summary>Whether filters or phrases restrict the matches (a term's document frequency is then no lower bound of the total).</summary>
    public bool HasConditions { get; }

    /// <summary>CTEs ending in <c>m</c>: every matching document's row with its <c>score</c>.</summary>
    public string Matched => $"""
        WITH {Weights},
        s AS (
            SELECT p.document_id, {Rounded($"sum({TermScore})")} AS score
            FROM w JOIN search_postings p ON p.tenant_id = $1 AND p.term = w.term CROSS JOIN st
            GROUP BY p.document_id),
        m AS (
            SELECT d.*, s.score FROM s JOIN search_documents d ON d.tenant_id = $1 AND d.document_id = s.document_id
            {_conditions})
        """;

    /// <summary>
    /// The page <c>[offset, offset + top)</c> of the best documents by score, like <see cref="Matched"/> ordered by score
    /// and id, but in the way of MaxScore (Turtle and Flood, 1995): the query's terms, highest weight first, are
    /// "essential" while their postings add up to at most <paramref name="postingsBudget"/> (the first always is); only
    /// documents with an essential term are candidates, and a candidate's other terms are looked up only when its essential
    /// score plus the other terms' largest possible contribution (weight × (k1 + 1) each) could still reach the k-th best
    /// essential score, and then from its forward row (<c>search_document_terms</c>: one read, not a probe per term). Each
    /// row carries that bound (<c>bound</c>; 0 when every term was essential), how many candidates
    /// matched, and the largest document frequency of a query term. The page is exact when <c>bound</c> is 0, or the page
    /// is full and its last score exceeds <c>bound</c> (a document with no essential term scores at most <c>bound</c>);
    /// otherwise the caller must rank with <see cref="Matched"/>. Columns: document_id, score, title, body (or ''),
    /// language, category, tags, author, published_at, updated_at, bound, candidates, max_df.
    /// </summary>
    public string TopPage(int postingsBudget, int offset, int top, bool withBody)
    {
        var budget = postingsBudget.ToString(CultureInfo.InvariantCulture);
        var kth = (offset + top - 1).ToString(CultureInfo.InvariantCulture);
        var candidates = HasConditions
            ? $"SELECT e.document_id, e.partial FROM e JOIN search_documents d ON d.tenant_id = $1 AND d.document_id = e.document_id {_conditions}"
            : "SELECT e.document_id, e.partial FROM e";
        return $"""
            WITH {Weights},
            r AS (
                SELECT w.term, w.weight,
                       row_number() OVER (ORDER BY w.weight DESC, w.term) = 1
                       OR sum(w.df) OVER (ORDER BY w.weight DESC, w.term ROWS UNBOUNDED PRECEDING) <= {budget} AS essential
                FROM w),
            ub AS (SELECT coalesce(sum(r.weight), 0) * ($4 + 1) AS bound FROM r WHERE NOT r.essential),
            e AS (
                SELECT p.document_id, sum({TermScore}) AS partial
                FROM r AS w JOIN search_postings p ON p.tenant_id = $1 AND p.term = w.term CROSS JOIN st
                WHERE w.essential
                GROUP BY p.document_id),
            ef AS MATERIALIZED ({candidates}),
            th AS (SELECT coalesce((SELECT ef.partial FROM ef ORDER BY ef.partial DESC LIMIT 1 OFFSET {kth}), 0) AS lowest),
            c AS MATERIALIZED (SELECT ef.document_id, ef.partial FROM ef, th, ub WHERE ef.partial + ub.bound >= th.lowest),
            o AS (
                SELECT c.document_id, sum({ForwardTermScore}) AS partial
                FROM c JOIN search_document_terms f ON f.tenant_id = $1 AND f.document_id = c.document_id
                CROSS JOIN LATERAL unnest(f.terms, f.tfs) AS u(term, tf)
                JOIN r AS w ON w.term = u.term AND NOT w.essential
                CROSS JOIN st
                GROUP BY c.document_id),
            s AS (
                SELECT c.document_id, {Rounded("c.partial + coalesce(o.partial, 0)")} AS score
                FROM c LEFT JOIN o ON o.document_id = c.document_id),
            page AS (SELECT s.document_id, s.score FROM s ORDER BY s.score DESC, s.document_id LIMIT {top.ToString(CultureInfo.InvariantCulture)} OFFSET {offset.ToString(CultureInfo.InvariantCulture)})
            SELECT page.document_id, page.score, d.title, {(withBody ? "d.body" : "''")}, d.language, d.category, d.tags, d.author, d.published_at, d.updated_at,
                   (SELECT ub.bound FROM ub), (SELECT count(*) FROM ef), (SELECT max(w.df) FROM w)
            FROM page JOIN search_documents d ON d.tenant_id = $1 AND d.document_id = page.document_id
            ORDER BY page.score DESC, page.document_id
            """;
    }

    /// <summary>Adds the tenant and every value the SQL names, in order; later parameters may follow.</summary>
    public void AddParameters(NpgsqlCommand command, string tenantId)
    {
        command.Parameters.Add(new() { Value = tenantId });
        foreach (var (value, type) in _values)
        {
            command.Parameters.Add(type is { } t ? new NpgsqlParameter { Value = value, NpgsqlDbType = t } : new NpgsqlParameter { Value = value });
        }
    }

    private static string Rounded(string score) => $"round(({score}) * 1000000.0::float8) / 1000000.0::float8";

    private string Parameter(object value, NpgsqlDbType? type = null)
    {
        _values.Add((value, type));
        return "$" + (_values.Count + 1).ToString(CultureInfo.InvariantCulture);
    }

    private static string PhraseQuery(IReadOnlyList<IReadOnlyList<PhraseTerm>> phrases)
    {
        var text = new StringBuilder();
        foreach (var phrase in phrases)
        {
            if (text.Length > 0)
            {
                text.Append(" & ");
            }

            text.Append('(');
            for (var i = 0; i < phrase.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(" <").Append(phrase[i].Offset - phrase[i - 1].Offset).Append("> ");
                }

                TsQuoting.AppendLexeme(text, phrase[i].Term);
            }

            text.Append(')');
        }

        return text.ToString();
    }
}
