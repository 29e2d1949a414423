using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Allixios.Quality;

/// <summary>
/// A text cut into what the scorers measure: blocks (headings, list items, paragraphs of Markdown or plain text),
/// sentences and words, computed once per scoring and shared by the scorers.
/// </summary>
internal sealed partial class TextStatistics
{
    private TextStatistics(List<TextBlock> blocks, List<string> sentences, List<string> words)
    {
        Blocks = blocks;
        Sentences = sentences;
        Words = words;
    }

    public IReadOnlyList<TextBlock> Blocks { get; }

    public IReadOnlyList<string> Sentences { get; }

    /// <summary>The words, lower-cased.</summary>
    public IReadOnlyList<string> Words { get; }

    private static readonly ConditionalWeakTable<QualityRequest, TextStatistics> Cache = new();

    /// <summary>The statistics of a request's text, computed once however many scorers ask.</summary>
    public static TextStatistics For(QualityRequest request) => Cache.GetValue(request, static r => Of(r.Text));

    public static TextStatistics Of(string text)
    {
        var blocks = new List<TextBlock>();
        var paragraph = new List<string>();
        var inCode = false;
        void EndParagraph()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(new TextBlock(TextBlockKind.Paragraph, string.Join(' ', paragraph)));
                paragraph.Clear();
            }
        }

        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                // Code is not prose: it is neither read for readability nor counted as words.
                EndParagraph();
                inCode = !inCode;
                continue;
            }

            if (inCode)
            {
                continue;
            }

            if (line.Length == 0)
            {
                EndParagraph();
            }
            else if (Heading().Match(line) is { Success: true } heading)
            {
                EndParagraph();
                blocks.Add(new TextBlock(TextBlockKind.Heading, StripTags(heading.Groups["text"].Value)));
            }
            else if (ListItem().Match(line) is { Success: true } item)
            {
                EndParagraph();
                blocks.Add(new TextBlock(TextBlockKind.ListItem, item.Groups["text"].Value));
            }
            else
            {
                paragraph.Add(StripTags(line));
            }
        }

        EndParagraph();
        var sentences = new List<string>();
        var words = new List<string>();
        foreach (var block in blocks)
        {
            if (block.Kind != TextBlockKind.Paragraph)
            {
                // A heading or list item reads as one sentence, whether or not it ends with a full stop.
                AddSentence(block.Text, sentences);
            }
            else
            {
                foreach (var sentence in SentenceBreak().Split(block.Text))
                {
                    AddSentence(sentence, sentences);
                }
            }

            foreach (Match word in Word().Matches(block.Text))
            {
                words.Add(word.Value.ToLowerInvariant());
            }
        }

        return new TextStatistics(blocks, sentences, words);
    }

    /// <summary>The words of one piece of text, lower-cased.</summary>
    public static List<string> WordsOf(string text) => [.. Word().Matches(text).Select(m => m.Value.ToLowerInvariant())];

    /// <summary>
    /// English syllables by the usual heuristic: vowel groups, less a silent final <c>e</c> and the <c>-es</c>/<c>-ed</c>
    /// endings that add none; at least one. Good to about one syllable in ten words, which is what Flesch needs.
    /// </summary>
    public static int Syllables(string word)
    {
        var letters = new string([.. word.ToLowerInvariant().Where(char.IsAsciiLetter)]);
        if (letters.Length == 0)
        {
            return 0;
        }

        if (letters.Length <= 3)
        {
            return 1;
        }

        letters = SilentEnding().Replace(letters, string.Empty);
        if (letters.StartsWith('y'))
        {
            letters = letters[1..];
        }

        return Math.Max(1, VowelGroup().Count(letters));
    }

    private static void AddSentence(string text, List<string> sentences)
    {
        var trimmed = text.Trim();
        if (Word().IsMatch(trimmed))
        {
            sentences.Add(trimmed);
        }
    }

    private static string StripTags(string text) => Tag().Replace(text, " ");

    [GeneratedRegex(@"^(?:#{1,6}\s+(?<text>.+?)\s*#*$|<h[1-6][^>]*>(?<text>.*?)(?:</h[1-6]>)?$)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^(?:[-*+]|\d{1,3}[.)])\s+(?<text>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ListItem();

    [GeneratedRegex(@"(?<=[.!?…])[""'”’)\]]*\s+", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"<[^>]+>", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    [GeneratedRegex(@"(?:[^laeiouy]es|ed|[^laeiouy]e)$", RegexOptions.CultureInvariant)]
    private static partial Regex SilentEnding();

    [GeneratedRegex(@"[aeiouy]{1,2}", RegexOptions.CultureInvariant)]
    private static partial Regex VowelGroup();
}
