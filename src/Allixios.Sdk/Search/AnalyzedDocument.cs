using System.Text;

namespace Allixios.Search;

/// <summary>
/// A document's index terms: per term its frequency and positions, and the document's length in terms. Positions follow
/// PostgreSQL's tsvector limits (1 to 16,383, at most 256 per term) in both stores, so phrases match alike.
/// </summary>
internal sealed class AnalyzedDocument
{
    internal const int MaxPosition = 16_383;
    internal const int MaxPositionsPerTerm = 256;

    private AnalyzedDocument(SearchDocument document, int length, SortedDictionary<string, TermOccurrences> terms)
    {
        Document = document;
        Length = length;
        Terms = terms;
    }

    public SearchDocument Document { get; }

    /// <summary>How many terms the title and body have after stop words are removed: BM25's document length.</summary>
    public int Length { get; }

    /// <summary>The distinct terms in ordinal order.</summary>
    public SortedDictionary<string, TermOccurrences> Terms { get; }

    public static AnalyzedDocument Create(SearchDocument document)
    {
        var title = TextAnalyzer.Analyze(document.Title, document.Language);
        // A gap after the title, so that a phrase does not run from the title into the body.
        var body = TextAnalyzer.Analyze(document.Body, document.Language, title.Count == 0 ? 0 : title[^1].Position + 2);
        var terms = new SortedDictionary<string, TermOccurrences>(StringComparer.Ordinal);
        foreach (var token in title.Concat(body))
        {
            if (!terms.TryGetValue(token.Term, out var occurrences))
            {
                terms[token.Term] = occurrences = new TermOccurrences();
            }

            occurrences.Add(Math.Min(token.Position + 1, MaxPosition));
        }

        return new AnalyzedDocument(document, title.Count + body.Count, terms);
    }

    /// <summary>The terms and positions in tsvector input syntax, e.g. <c>'wing':1,7 'slipstream':4</c>.</summary>
    public string ToTsVector()
    {
        var text = new StringBuilder();
        foreach (var (term, occurrences) in Terms)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            TsQuoting.AppendLexeme(text, term);
            text.Append(':').AppendJoin(',', occurrences.Positions);
        }

        return text.ToString();
    }

    /// <summary>A term's frequency in the document and its first positions (1-based, capped like tsvector).</summary>
    internal sealed class TermOccurrences
    {
        private readonly List<int> _positions = [];

        public int Frequency { get; private set; }

        public IReadOnlyList<int> Positions => _positions;

        public void Add(int position)
        {
            Frequency++;
            if (_positions.Count < MaxPositionsPerTerm && (_positions.Count == 0 || _positions[^1] != position))
            {
                _positions.Add(position);
            }
        }

        public bool Contains(int position) => _positions.BinarySearch(position) >= 0;
    }
}
