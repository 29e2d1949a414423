using System.Net;
using System.Text;

namespace Allixios.Search;

/// <summary>
/// Picks the passage of a body with the most distinct matched terms and marks them: the text is HTML-escaped and the
/// matched words wrapped in <c>&lt;mark&gt;</c>, so the snippet is safe to show as HTML. Both stores use it.
/// </summary>
internal static class SnippetBuilder
{
    public static string Build(string body, string language, IReadOnlyCollection<string> terms, int length)
    {
        var tokens = TextAnalyzer.Analyze(body, language);
        var matched = tokens.Where(t => terms.Contains(t.Term)).ToList();
        var start = 0;
        if (matched.Count > 0)
        {
            var best = 0;
            var bestCount = -1;
            for (var i = 0; i < matched.Count; i++)
            {
                var count = matched.Skip(i).TakeWhile(t => t.End <= matched[i].Start + length).Select(t => t.Term).Distinct(StringComparer.Ordinal).Count();
                if (count > bestCount)
                {
                    (best, bestCount) = (i, count);
                }
            }

            // A little context before the first match, from a word boundary.
            start = Math.Max(0, matched[best].Start - (length / 5));
            if (start > 0)
            {
                var space = body.IndexOf(' ', start);
                start = space >= 0 && space < matched[best].Start ? space + 1 : matched[best].Start;
            }
        }

        var end = Math.Min(body.Length, start + length);
        if (end < body.Length)
        {
            var space = body.LastIndexOf(' ', end - 1, end - start);
            end = space > start ? space : end;
        }

        var text = new StringBuilder();
        if (start > 0)
        {
            text.Append('…');
        }

        var at = start;
        foreach (var token in matched.Where(t => t.Start >= start && t.End <= end))
        {
            text.Append(WebUtility.HtmlEncode(body[at..token.Start]))
                .Append("<mark>").Append(WebUtility.HtmlEncode(body[token.Start..token.End])).Append("</mark>");
            at = token.End;
        }

        text.Append(WebUtility.HtmlEncode(body[at..end]));
        if (end < body.Length)
        {
            text.Append('…');
        }

        return text.ToString();
    }
}
