namespace Allixios.Search;

/// <summary>
/// A query text taken apart: plain terms (analysed like documents; repeats count again, as in Lucene), phrases that must
/// occur (terms with their offsets from the first) and prefixes (lower-cased, not stemmed).
/// </summary>
internal sealed record LexicalQuery(IReadOnlyList<string> Terms, IReadOnlyList<IReadOnlyList<PhraseTerm>> Phrases, IReadOnlyList<string> Prefixes)
{
    /// <summary>Whether nothing searchable is left, e.g. the text held only stop words or punctuation.</summary>
    public bool IsEmpty => Terms.Count == 0 && Phrases.Count == 0 && Prefixes.Count == 0;

    /// <summary>
    /// Parses <paramref name="text"/>: <c>"…"</c> is a phrase (an unclosed quote runs to the end), a word ending in
    /// <c>*</c> with at least two letters or digits before it is a prefix; everything else is free text. No other
    /// character is syntax: SQL or tsquery operators are just word breaks to the analyzer.
    /// </summary>
    public static LexicalQuery Parse(string text, string language)
    {
        var free = new List<string>();
        var phrases = new List<IReadOnlyList<PhraseTerm>>();
        var prefixes = new List<string>();
        var segments = text.Split('"');
        for (var i = 0; i < segments.Length; i++)
        {
            if (i % 2 == 1)
            {
                var tokens = TextAnalyzer.Analyze(segments[i], language);
                if (tokens.Count > 0)
                {
                    phrases.Add(tokens.Select(t => new PhraseTerm(t.Term, t.Position - tokens[0].Position)).ToList());
                }

                continue;
            }

            foreach (var word in segments[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (PrefixOf(word) is { } prefix)
                {
                    prefixes.Add(prefix);
                }
                else
                {
                    free.Add(word);
                }
            }
        }

        var terms = TextAnalyzer.Analyze(string.Join(' ', free), language).Select(t => t.Term).ToList();
        return new LexicalQuery(terms, phrases, prefixes.Distinct(StringComparer.Ordinal).ToList());
    }

    private static string? PrefixOf(string word)
    {
        var trimmed = word.TrimEnd(')', ']', '}', ',', ';', '.', '!', '?', '\'');
        if (!trimmed.EndsWith('*'))
        {
            return null;
        }

        var core = trimmed.TrimEnd('*').TrimStart('(', '[', '{', '\'', '-', '+');
        return core.Length >= 2 && core.All(char.IsLetterOrDigit) ? core.ToLowerInvariant() : null;
    }
}

/// <summary>One term of a phrase and its offset from the phrase's first term (stop words leave gaps).</summary>
internal readonly record struct PhraseTerm(string Term, int Offset);
