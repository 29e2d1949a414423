using System.Text;

namespace Allixios.Sdk.Tests.Search.Embeddings;

/// <summary>
/// Documents of the Cranfield collection: <c>TestData/cranfield-sample.txt</c> is a verbatim extract of
/// <c>cran.all.1400</c> (from <c>../shared/data/ir/cranfield</c>) holding every document whose number n has n − 1
/// divisible by 13, 70 or 100, so the tests need no data from outside the repository.
/// </summary>
internal static class CranfieldSample
{
    private static readonly string SamplePath = Path.Combine(AppContext.BaseDirectory, "Search", "Embeddings", "TestData", "cranfield-sample.txt");

    /// <summary>
    /// The text (the .W field on one line) of the documents numbered 1, 1 + <paramref name="step"/>, 1 + 2 ×
    /// <paramref name="step"/>, … that have one, up to <paramref name="count"/>; <paramref name="step"/> is 13, 70 or 100.
    /// </summary>
    public static IReadOnlyList<string> Documents(int count, int step)
    {
        if (step is not (13 or 70 or 100))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The sample holds the documents of steps 13, 70 and 100 only.");
        }

        var documents = ReadAll().Where(d => (d.Number - 1) % step == 0).Take(count).Select(d => d.Text).ToList();
        return documents.Count == count
            ? documents
            : throw new InvalidOperationException($"The sample has {documents.Count} documents of step {step}, not {count}.");
    }

    private static IEnumerable<(int Number, string Text)> ReadAll()
    {
        var text = new StringBuilder();
        var number = 0;
        var inText = false;
        foreach (var line in File.ReadLines(SamplePath))
        {
            if (line.StartsWith(".I ", StringComparison.Ordinal))
            {
                if (text.Length > 0)
                {
                    yield return (number, text.ToString().Trim());
                }

                number = int.Parse(line.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture);
                text.Clear();
                inText = false;
            }
            else if (line.StartsWith('.') && line.Length == 2)
            {
                inText = line == ".W";
            }
            else if (inText)
            {
                // Lines joined by a space: the package encoder, this test's reference, reads a bare '\n' as part of the next word.
                text.Append(line).Append(' ');
            }
        }

        if (text.Length > 0)
        {
            yield return (number, text.ToString().Trim());
        }
    }
}
