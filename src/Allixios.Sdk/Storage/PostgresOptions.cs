using System.ComponentModel.DataAnnotations;

namespace Allixios.Storage;

/// <summary>Production storage on PostgreSQL 15+ with pgvector, bound from <c>Allixios:Postgres</c>.</summary>
public sealed class PostgresOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Postgres";

    /// <summary>An Npgsql connection string, e.g. <c>Host=db;Username=allixios;Password=…;Database=allixios</c>. Required.</summary>
    [Required(ErrorMessage = "Allixios:Postgres:ConnectionString is required to use PostgreSQL.")]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Whether the host applies pending schema migrations when it starts. Default: <see langword="true"/>.
    /// Turn it off to migrate from a deployment step instead (<c>Allixios.Runtime migrate</c>).
    /// </summary>
    public bool MigrateAtStart { get; set; } = true;
}
