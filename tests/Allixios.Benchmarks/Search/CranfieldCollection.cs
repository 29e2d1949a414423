using System.Globalization;
using System.Text;

namespace Allixios.Benchmarks.Search;

/// <summary>
/// The Cranfield 1400 collection in SMART format, read as its README's protocol says: a document is its title and its
/// text (.W); a query is its .W text, numbered by its position in cran.qry (1..225), which is how cranqrel refers to it;
/// relevance codes 1..4 give gain 5 − code, other codes are not relevant.
/// </summary>
internal sealed record CranfieldCollection(
    IReadOnlyList<(string Id, string Title, string Text)> Documents,
    IReadOnlyList<(int Number, string Text)> Queries,
    IReadOnlyDictionary<int, IReadOnlyDictionary<string, int>> Gains)
{
    public static CranfieldCollection Load(string directory)
    {
        var documents = Records(Path.Combine(directory, "cran.all.1400"))
            .Select(r => (r.Id, Title: r.Fields.GetValueOrDefault('T', string.Empty), Text: r.Fields.GetValueOrDefault('W', string.Empty)))
            .ToList();
        var queries = Records(Path.Combine(directory, "cran.qry"))
            .Select((r, i) => (Number: i + 1, Text: r.Fields.GetValueOrDefault('W', string.Empty)))
            .ToList();
        var gains = new Dictionary<int, Dictionary<string, int>>();
        foreach (var line in File.ReadLines(Path.Combine(directory, "cranqrel")))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3)
            {
                continue;
            }

            var query = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var code = int.Parse(parts[2], CultureInfo.InvariantCulture);
            if (code is >= 1 and <= 4)
            {
                if (!gains.TryGetValue(query, out var judged))
                {
                    gains[query] = judged = [];
                }

                judged[parts[1]] = Math.Max(judged.GetValueOrDefault(parts[1]), 5 - code);
            }
        }

        if (documents.Count != 1400 || queries.Count != 225)
        {
            throw new InvalidDataException($"Expected 1400 documents and 225 queries in {directory}; read {documents.Count} and {queries.Count}.");
        }

        return new CranfieldCollection(documents, queries, gains.ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, int>)g.Value));
    }

    private static IEnumerable<(string Id, Dictionary<char, string> Fields)> Records(string path)
    {
        string? id = null;
        var fields = new Dictionary<char, string>();
        char? field = null;
        var text = new StringBuilder();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(".I ", StringComparison.Ordinal) || line == ".I")
            {
                Flush();
                if (id is not null)
                {
                    yield return (id, fields);
                }

                id = line.Length > 3 ? line[3..].Trim() : string.Empty;
                fields = [];
                field = null;
            }
            else if (line.Length == 2 && line[0] == '.' && char.IsLetter(line[1]))
            {
                Flush();
                field = line[1];
            }
            else if (field is not null)
            {
                text.Append(line).Append('\n');
            }
        }

        Flush();
        if (id is not null)
        {
            yield return (id, fields);
        }

        void Flush()
        {
            if (field is { } f)
            {
                fields[f] = text.ToString().Trim();
            }

            text.Clear();
        }
    }
}
