using System.Text;

namespace Allixios.Sdk.Tests.Search.Embeddings;

/// <summary>
/// Documents of the Cranfield collection, from <c>shared/data/ir/cranfield/cran.all.1400</c> beside the repository (or
/// the folder <c>ALLIXIOS_CRANFIELD</c> names). Missing data fails the test that asks: a quality check that silently
/// skips proves nothing.
/// </summary>
internal static class CranfieldSample
{
    private const string EnvironmentVariable = "ALLIXIOS_CRANFIELD";
    private const string FileName = "cran.all.1400";

    /// <summary>Every <paramref name="step"/>-th document's text (title and abstract, as in the .W field, on one line), up to <paramref name="count"/>.</summary>
    public static IReadOnlyList<string> Documents(int count, int step = 1)
        => [.. ReadAll().Where((_, i) => i % step == 0).Take(count)];

    /// <summary>The path of <c>cran.all.1400</c>.</summary>
    /// <exception cref="FileNotFoundException">Neither the environment variable nor a folder above the test names one.</exception>
    public static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var file = Directory.Exists(configured) ? Path.Combine(configured, FileName) : configured;
            return File.Exists(file) ? file : throw new FileNotFoundException($"{EnvironmentVariable} is '{configured}', but {file} does not exist.", file);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(directory.FullName, "shared", "data", "ir", "cranfield", FileName), Path.Combine(directory.FullName, "data", "ir", "cranfield", FileName) })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"The Cranfield collection ({FileName}) was not found in shared/data/ir/cranfield or data/ir/cranfield of any folder above {AppContext.BaseDirectory}. "
            + $"Set {EnvironmentVariable} to its folder.");
    }

    private static IEnumerable<string> ReadAll()
    {
        var text = new StringBuilder();
        var inText = false;
        foreach (var line in File.ReadLines(Locate()))
        {
            if (line.StartsWith(".I ", StringComparison.Ordinal))
            {
                if (text.Length > 0)
                {
                    yield return text.ToString().Trim();
                }

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
            yield return text.ToString().Trim();
        }
    }
}
