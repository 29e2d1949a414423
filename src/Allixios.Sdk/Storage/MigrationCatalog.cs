using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Allixios.Storage;

/// <summary>
/// The migrations embedded in the Allixios.Sdk assembly: <c>Storage/Migrations/NNNN_name.up.sql</c> with a
/// matching <c>NNNN_name.down.sql</c> for each.
/// </summary>
public static partial class MigrationCatalog
{
    private const string ResourcePrefix = "Allixios.Migrations.";

    private static readonly Lazy<IReadOnlyList<Migration>> Embedded = new(() => Load(typeof(MigrationCatalog).Assembly));

    /// <summary>Every embedded migration in version order.</summary>
    public static IReadOnlyList<Migration> All => Embedded.Value;

    internal static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        var scripts = new Dictionary<(int Version, string Name), (string? Up, string? Down)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var match = FileNamePattern().Match(resource[ResourcePrefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Embedded migration '{resource}' is not named NNNN_name.up.sql or NNNN_name.down.sql.");
            }

            var id = (int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var sql = reader.ReadToEnd();
            var pair = scripts.GetValueOrDefault(id);
            scripts[id] = match.Groups["direction"].Value == "up" ? (sql, pair.Down) : (pair.Up, sql);
        }

        var migrations = scripts
            .OrderBy(s => s.Key.Version)
            .Select(s => new Migration(
                s.Key.Version,
                s.Key.Name,
                s.Value.Up ?? throw new InvalidOperationException($"Migration {s.Key.Version} '{s.Key.Name}' has no up script."),
                s.Value.Down ?? throw new InvalidOperationException($"Migration {s.Key.Version} '{s.Key.Name}' has no down script.")))
            .ToList();
        // Numbers are reserved per feature branch, so a build may lack some (a gap); repeats are never allowed.
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version < 1 || (i > 0 && migrations[i].Version == migrations[i - 1].Version))
            {
                throw new InvalidOperationException($"Migration versions must start at 1 or more and never repeat; found {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.(?<direction>up|down)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
