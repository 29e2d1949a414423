using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Allixios.N8nBridge.ContractGenerator;

/// <summary>How contract names and comments become n8n parameter names, labels and descriptions.</summary>
public static partial class Naming
{
    // Words n8n's lint (and readers) want in capitals.
    private static readonly Dictionary<string, string> s_acronyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = "ID",
        ["ids"] = "IDs",
        ["api"] = "API",
        ["ai"] = "AI",
        ["json"] = "JSON",
        ["url"] = "URL",
    };

    /// <summary>The n8n parameter name of a wire name: <c>filter.startTime</c> → <c>filterStartTime</c>.</summary>
    public static string ParameterName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split('.', StringSplitOptions.RemoveEmptyEntries);
        var builder = new StringBuilder(segments[0]);
        foreach (var segment in segments.Skip(1))
        {
            builder.Append(char.ToUpperInvariant(segment[0])).Append(segment.AsSpan(1));
        }

        return builder.ToString();
    }

    /// <summary>The label of a wire name, in title case: <c>filter.apiKeyId</c> → <c>API Key ID</c>.</summary>
    public static string DisplayName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var last = key.Split('.').Last();
        return string.Join(' ', Words(last).Select(Capitalise));
    }

    /// <summary>The label of an enumeration value once its shared prefix is cut: <c>PUBLISHED_NEWEST</c> → <c>Published Newest</c>.</summary>
    public static string OptionName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return string.Join(' ', value.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => Capitalise(w.ToLowerInvariant())));
    }

    /// <summary>The prefix all values share up to an underscore (<c>SEARCH_MODE_</c>), or empty.</summary>
    public static string SharedPrefix(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
        {
            return string.Empty;
        }

        var prefix = values[0];
        foreach (var value in values.Skip(1))
        {
            var length = 0;
            while (length < prefix.Length && length < value.Length && prefix[length] == value[length])
            {
                length++;
            }

            prefix = prefix[..length];
        }

        var cut = prefix.LastIndexOf('_');
        return cut < 0 ? string.Empty : prefix[..(cut + 1)];
    }

    /// <summary>
    /// A contract comment as n8n shows it: one line, without a final period when it is a single sentence (n8n's
    /// convention), with "ID" for "id" and angle brackets encoded (n8n renders descriptions as HTML).
    /// </summary>
    public static string Description(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var line = Whitespace().Replace(text, " ").Trim();
        line = IdWord().Replace(line, m => m.Value == "ids" ? "IDs" : "ID");
        // n8n shows descriptions as HTML.
        line = line.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        if (line.EndsWith('.') && !line[..^1].Replace("e.g.", string.Empty, StringComparison.Ordinal).Contains(". ", StringComparison.Ordinal))
        {
            line = line[..^1];
        }

        return line;
    }

    private static IEnumerable<string> Words(string camel)
    {
        var word = new StringBuilder();
        foreach (var c in camel)
        {
            if ((char.IsUpper(c) || c == '_') && word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }

            if (c != '_')
            {
                word.Append(c);
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    private static string Capitalise(string word) =>
        s_acronyms.TryGetValue(word, out var acronym) ? acronym : char.ToUpper(word[0], CultureInfo.InvariantCulture) + word[1..];

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\b(id|ids)\b")]
    private static partial Regex IdWord();
}
