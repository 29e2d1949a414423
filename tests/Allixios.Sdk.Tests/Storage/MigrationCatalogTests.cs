using System.Text.RegularExpressions;
using Allixios.Storage;
using Xunit;

namespace Allixios.Sdk.Tests.Storage;

public sealed class MigrationCatalogTests
{
    [Fact]
    public void Embedded_migrations_load()
    {
        Assert.NotEmpty(MigrationCatalog.All);
        Assert.Same(MigrationCatalog.All, MigrationCatalog.All);
    }

    [Fact]
    public void Versions_start_at_1_and_increase_without_repeats()
    {
        var versions = MigrationCatalog.All.Select(m => m.Version).ToList();
        Assert.Equal(1, versions[0]);
        Assert.Equal(versions.Order().Distinct(), versions);
    }

    [Fact]
    public void Every_migration_has_an_up_and_a_down_script()
    {
        Assert.All(MigrationCatalog.All, m =>
        {
            Assert.False(string.IsNullOrWhiteSpace(m.UpSql), $"{m.Version} has an empty up script");
            Assert.False(string.IsNullOrWhiteSpace(m.DownSql), $"{m.Version} has an empty down script");
            Assert.NotEqual(m.UpSql, m.DownSql);
        });
    }

    [Fact]
    public void Every_migration_is_named_in_lower_case_words()
    {
        Assert.All(MigrationCatalog.All, m => Assert.Matches("^[a-z0-9_]+$", m.Name));
        Assert.Equal("foundation", MigrationCatalog.All[0].Name);
    }

    [Fact]
    public void Every_embedded_script_file_is_in_the_catalog()
    {
        var resources = typeof(MigrationCatalog).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("Allixios.Migrations.", StringComparison.Ordinal)).ToList();

        Assert.Equal(MigrationCatalog.All.Count * 2, resources.Count);
    }

    [Fact]
    public void Foundation_creates_the_tenancy_tables_with_row_level_security_and_its_down_drops_them()
    {
        var foundation = MigrationCatalog.All[0];

        foreach (var table in new[] { "tenants", "api_keys", "audit_log" })
        {
            Assert.Contains($"CREATE TABLE {table}", foundation.UpSql, StringComparison.Ordinal);
            Assert.Contains($"ALTER TABLE {table} FORCE ROW LEVEL SECURITY", foundation.UpSql, StringComparison.Ordinal);
            Assert.Contains($"DROP TABLE IF EXISTS {table}", foundation.DownSql, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Checksum_is_the_sha256_of_the_up_script_in_hex()
    {
        var migration = new Migration(1, "x", "abc", "down");

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", migration.Checksum);
        Assert.Matches(new Regex("^[0-9a-f]{64}$"), MigrationCatalog.All[0].Checksum);
    }

    [Fact]
    public void Checksum_ignores_line_endings_and_the_down_script()
    {
        var unix = new Migration(1, "x", "CREATE TABLE a ();\nCREATE TABLE b ();\n", "DROP TABLE a;");
        var windows = new Migration(1, "x", "CREATE TABLE a ();\r\nCREATE TABLE b ();\r\n", "DROP TABLE b;");

        Assert.Equal(unix.Checksum, windows.Checksum);
    }

    [Fact]
    public void A_copy_made_with_another_up_script_has_that_scripts_checksum()
    {
        var original = new Migration(1, "x", "CREATE TABLE a ();", "DROP TABLE a;");

        var edited = original with { UpSql = "CREATE TABLE b ();" };

        Assert.Equal(new Migration(1, "x", "CREATE TABLE b ();", "DROP TABLE a;").Checksum, edited.Checksum);
    }

    [Fact]
    public void Checksum_changes_when_the_up_script_changes()
    {
        Assert.NotEqual(new Migration(1, "x", "CREATE TABLE a ();", "").Checksum, new Migration(1, "x", "CREATE TABLE a (id int);", "").Checksum);
    }
}
