using System.Collections.Concurrent;
using System.Collections.Frozen;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace Allixios.Search;

/// <summary>
/// Turns text into index terms per language: Unicode word breaking, lower-casing, the language's stop words and its
/// Snowball/Porter stemmer (Lucene.Net's analyzers; for English the EnglishAnalyzer: possessives, stop words, Porter).
/// Both stores analyse in .NET with this one class, so that memory and PostgreSQL index exactly the same terms and
/// rank alike; PostgreSQL keeps the terms with their positions for phrases, prefixes and typo matching.
/// </summary>
public static class TextAnalyzer
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private static readonly FrozenDictionary<string, Func<Analyzer>> Factories = new Dictionary<string, Func<Analyzer>>(StringComparer.Ordinal)
    {
        ["simple"] = () => new StandardAnalyzer(Version, CharArraySet.Empty),
        ["da"] = () => new Lucene.Net.Analysis.Da.DanishAnalyzer(Version),
        ["de"] = () => new Lucene.Net.Analysis.De.GermanAnalyzer(Version),
        ["en"] = () => new Lucene.Net.Analysis.En.EnglishAnalyzer(Version),
        ["es"] = () => new Lucene.Net.Analysis.Es.SpanishAnalyzer(Version),
        ["fi"] = () => new Lucene.Net.Analysis.Fi.FinnishAnalyzer(Version),
        ["fr"] = () => new Lucene.Net.Analysis.Fr.FrenchAnalyzer(Version),
        ["it"] = () => new Lucene.Net.Analysis.It.ItalianAnalyzer(Version),
        ["nl"] = () => new Lucene.Net.Analysis.Nl.DutchAnalyzer(Version),
        ["no"] = () => new Lucene.Net.Analysis.No.NorwegianAnalyzer(Version),
        ["pt"] = () => new Lucene.Net.Analysis.Pt.PortugueseAnalyzer(Version),
        ["ru"] = () => new Lucene.Net.Analysis.Ru.RussianAnalyzer(Version),
        ["sv"] = () => new Lucene.Net.Analysis.Sv.SwedishAnalyzer(Version),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, Analyzer> Analyzers = new(StringComparer.Ordinal);

    /// <summary>The language codes with stemming and stop words, and <c>simple</c> (word breaking and lower-casing only).</summary>
    public static IReadOnlyCollection<string> Languages => Factories.Keys;

    /// <summary>Whether <paramref name="language"/> is one of <see cref="Languages"/>.</summary>
    public static bool IsSupported(string? language) => language is not null && Factories.ContainsKey(language);

    /// <summary>The terms of <paramref name="text"/> in <paramref name="language"/>, in order.</summary>
    public static IReadOnlyList<string> Terms(string text, string language = "en")
        => Analyze(text, language).Select(t => t.Term).ToList();

    internal static List<AnalyzedToken> Analyze(string text, string language, int firstPosition = 0)
    {
        var tokens = new List<AnalyzedToken>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var analyzer = Analyzers.GetOrAdd(language, l => Factories.TryGetValue(l, out var create)
            ? create()
            : throw AllixiosException.Invalid("unsupported_language", $"Language '{l}' is not supported: use one of {string.Join(", ", Factories.Keys.Order(StringComparer.Ordinal))}."));
        using var stream = analyzer.GetTokenStream("text", new StringReader(text));
        var term = stream.AddAttribute<ICharTermAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        var position = firstPosition - 1;
        while (stream.IncrementToken())
        {
            position += Math.Max(increment.PositionIncrement, 1);
            tokens.Add(new AnalyzedToken(term.ToString(), position, offset.StartOffset, offset.EndOffset));
        }

        stream.End();
        return tokens;
    }
}
