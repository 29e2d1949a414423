namespace Allixios.Storage;

/// <summary>Where one known migration stands in a database.</summary>
/// <param name="Version">The migration's version.</param>
/// <param name="Name">The migration's name.</param>
/// <param name="AppliedAt">When it was applied, or <see langword="null"/> while it is pending.</param>
public sealed record MigrationStatus(int Version, string Name, DateTimeOffset? AppliedAt)
{
    /// <summary>Whether the migration is applied.</summary>
    public bool IsApplied => AppliedAt is not null;
}
