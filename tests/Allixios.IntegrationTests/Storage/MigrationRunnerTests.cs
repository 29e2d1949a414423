using Allixios.Storage;
using Allixios.Tenancy;
using Allixios.Testing.Storage;
using Npgsql;
using Xunit;

namespace Allixios.IntegrationTests.Storage;

/// <summary>The migration runner on real PostgreSQL, each test on a fresh, empty database of its own.</summary>
public sealed class MigrationRunnerTests
{
    // Migration 3 references migration 2's table, so rolling 2 back before 3 would fail: the order is tested too.
    private static readonly Migration[] Three =
    [
        new(1, "first", "CREATE TABLE t_first (id int PRIMARY KEY);", "DROP TABLE t_first;"),
        new(2, "second", "CREATE TABLE t_second (id int PRIMARY KEY);", "DROP TABLE t_second;"),
        new(3, "third", "CREATE TABLE t_third (id int PRIMARY KEY REFERENCES t_second (id));", "DROP TABLE t_third;"),
    ];

    [Fact]
    public async Task Embedded_migrations_go_up_then_down_to_nothing_then_up_again()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        var runner = new MigrationRunner(dataSource);
        string[] tables = ["tenants", "api_keys", "audit_log", "jobs", "job_events", "job_dependencies", "cron_schedules", "search_documents", "search_postings", "search_terms", "search_stats", "search_document_terms", "search_vector_indexes", "search_vectors", "budgets", "budget_reservations", "budget_holds", "usage_ledger", "quality_scores", "job_results", "webhook_subscriptions", "webhook_messages", "webhook_attempts", "search_query_log", "search_clicks", "search_interactions", "search_experiments", "n8n_workflow_versions"];

        Assert.Equal(MigrationCatalog.All.Count, await runner.MigrateAsync());
        Assert.Equal(MigrationCatalog.All[^1].Version, runner.LatestVersion);
        foreach (var table in tables)
        {
            Assert.True(await ExistsAsync(dataSource, table), table);
            Assert.Equal((true, true), await RowSecurityAsync(dataSource, table));
        }

        Assert.True(await FunctionExistsAsync(dataSource, "allixios_row_visible"));
        Assert.Equal(tables.Length, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_policies WHERE policyname = 'tenant_isolation'"));
        Assert.Equal(MigrationCatalog.All.Select(m => m.Version), await AppliedVersionsAsync(dataSource));
        Assert.Equal(0, await runner.MigrateAsync());

        Assert.Equal(MigrationCatalog.All.Count, await runner.MigrateToAsync(0));
        foreach (var table in tables)
        {
            Assert.False(await ExistsAsync(dataSource, table), table);
        }

        Assert.False(await FunctionExistsAsync(dataSource, "allixios_row_visible"));
        Assert.Empty(await AppliedVersionsAsync(dataSource));
        Assert.Equal(1L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'"));
        Assert.Equal(0, await runner.MigrateToAsync(0));

        Assert.Equal(MigrationCatalog.All.Count, await runner.MigrateAsync());
        foreach (var table in tables)
        {
            Assert.True(await ExistsAsync(dataSource, table), table);
        }

        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.True(await new PostgresTenantStore(dataSource).TryCreateAsync(new Tenant("acme-news", "Acme", new Dictionary<string, long>(), new Dictionary<string, bool>(), now, now)));
    }

    [Fact]
    public async Task Applied_migrations_are_recorded_with_their_name_and_checksum()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();

        await new MigrationRunner(dataSource, Three, logger: null).MigrateAsync();

        await using var command = dataSource.CreateCommand("SELECT version, name, checksum FROM allixios_schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        Assert.Equal(Three.Select(m => (m.Version, m.Name, m.Checksum)), rows);
    }

    [Fact]
    public async Task Status_lists_every_known_migration_pending_until_applied()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        var runner = new MigrationRunner(dataSource, Three, logger: null);

        var before = await runner.GetStatusAsync();

        Assert.Equal([(1, "first"), (2, "second"), (3, "third")], before.Select(s => (s.Version, s.Name)));
        Assert.All(before, s => Assert.False(s.IsApplied));
        Assert.False(await ExistsAsync(dataSource, "allixios_schema_migrations"), "Reading the status must not create the history table.");

        var started = DateTimeOffset.UtcNow;
        await runner.MigrateToAsync(2);
        var after = await runner.GetStatusAsync();

        Assert.Equal([true, true, false], after.Select(s => s.IsApplied));
        Assert.All(after.Take(2), s => Assert.InRange(s.AppliedAt!.Value, started.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Null(after[2].AppliedAt);
    }

    [Fact]
    public async Task Rolling_back_to_an_intermediate_version_undoes_only_the_newer_migrations_newest_first()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        var runner = new MigrationRunner(dataSource, Three, logger: null);
        Assert.Equal(3, await runner.MigrateAsync());

        Assert.Equal(2, await runner.MigrateToAsync(1));

        Assert.True(await ExistsAsync(dataSource, "t_first"));
        Assert.False(await ExistsAsync(dataSource, "t_second"));
        Assert.False(await ExistsAsync(dataSource, "t_third"));
        Assert.Equal([1], await AppliedVersionsAsync(dataSource));
        Assert.Equal([true, false, false], (await runner.GetStatusAsync()).Select(s => s.IsApplied));

        Assert.Equal(2, await runner.MigrateAsync());
        Assert.True(await ExistsAsync(dataSource, "t_third"));
        Assert.Equal([1, 2, 3], await AppliedVersionsAsync(dataSource));
    }

    [Fact]
    public async Task Migrating_up_to_an_intermediate_version_applies_only_up_to_it()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();

        Assert.Equal(2, await new MigrationRunner(dataSource, Three, logger: null).MigrateToAsync(2));

        Assert.True(await ExistsAsync(dataSource, "t_second"));
        Assert.False(await ExistsAsync(dataSource, "t_third"));
        Assert.Equal([1, 2], await AppliedVersionsAsync(dataSource));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public async Task A_target_version_this_build_does_not_know_is_refused(int target)
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=nobody");
        var runner = new MigrationRunner(dataSource, Three, logger: null);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => runner.MigrateToAsync(target));

        Assert.Contains("0 to 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_applied_migration_whose_script_was_edited_is_refused_and_nothing_changes()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        await new MigrationRunner(dataSource, Three, logger: null).MigrateToAsync(2);
        Migration[] edited = [Three[0], new(2, "second", "CREATE TABLE t_second (id bigint PRIMARY KEY);", "DROP TABLE t_second;"), Three[2]];
        var runner = new MigrationRunner(dataSource, edited, logger: null);

        var up = await Assert.ThrowsAsync<MigrationException>(() => runner.MigrateAsync());
        var down = await Assert.ThrowsAsync<MigrationException>(() => runner.MigrateToAsync(0));

        Assert.Contains("Migration 2 'second' was edited", up.Message, StringComparison.Ordinal);
        Assert.Contains(Three[1].Checksum, up.Message, StringComparison.Ordinal);
        Assert.Equal(up.Message, down.Message);
        Assert.False(await ExistsAsync(dataSource, "t_third"));
        Assert.True(await ExistsAsync(dataSource, "t_first"));
        Assert.Equal("integer", await ScalarAsync<string>(dataSource, "SELECT data_type FROM information_schema.columns WHERE table_name = 't_second' AND column_name = 'id'"));
        Assert.Equal([1, 2], await AppliedVersionsAsync(dataSource));
        Assert.Equal(Three[1].Checksum, await ScalarAsync<string>(dataSource, "SELECT checksum FROM allixios_schema_migrations WHERE version = 2"));
    }

    [Fact]
    public async Task Only_line_endings_changed_is_not_an_edit()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        Migration[] unix = [new(1, "first", "CREATE TABLE t_first (id int);\nCREATE TABLE t_other (id int);\n", "DROP TABLE t_other; DROP TABLE t_first;")];
        Migration[] windows = [new(1, "first", unix[0].UpSql.Replace("\n", "\r\n", StringComparison.Ordinal), unix[0].DownSql)];
        await new MigrationRunner(dataSource, unix, logger: null).MigrateAsync();

        Assert.Equal(0, await new MigrationRunner(dataSource, windows, logger: null).MigrateAsync());
    }

    [Fact]
    public async Task A_database_newer_than_this_build_is_refused_and_nothing_changes()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        await new MigrationRunner(dataSource, Three, logger: null).MigrateAsync();
        var older = new MigrationRunner(dataSource, Three[..2], logger: null);

        var up = await Assert.ThrowsAsync<MigrationException>(() => older.MigrateAsync());
        var down = await Assert.ThrowsAsync<MigrationException>(() => older.MigrateToAsync(1));

        Assert.Contains("migration 3 applied", up.Message, StringComparison.Ordinal);
        Assert.Contains("only up to 2", up.Message, StringComparison.Ordinal);
        Assert.Equal(up.Message, down.Message);
        Assert.True(await ExistsAsync(dataSource, "t_third"));
        Assert.True(await ExistsAsync(dataSource, "t_second"));
        Assert.Equal([1, 2, 3], await AppliedVersionsAsync(dataSource));
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_whole_and_the_earlier_ones_stay_applied()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var failingDataSource = database.CreateDataSource();
        Migration[] failing =
        [
            Three[0],
            new(2, "second", "CREATE TABLE t_second (id int PRIMARY KEY); INSERT INTO t_second VALUES (1); ALTER TABLE t_first ADD COLUMN extra int; SELECT 1 / 0;", "DROP TABLE t_second;"),
            Three[2],
        ];

        var error = await Assert.ThrowsAsync<PostgresException>(() => new MigrationRunner(failingDataSource, failing, logger: null).MigrateAsync());

        Assert.Equal(PostgresErrorCodes.DivisionByZero, error.SqlState);
        Assert.True(await ExistsAsync(failingDataSource, "t_first"));
        Assert.False(await ExistsAsync(failingDataSource, "t_second"));
        Assert.False(await ExistsAsync(failingDataSource, "t_third"));
        Assert.Equal(0L, await ScalarAsync<long>(failingDataSource, "SELECT count(*) FROM information_schema.columns WHERE table_name = 't_first' AND column_name = 'extra'"));
        Assert.Equal([1], await AppliedVersionsAsync(failingDataSource));

        // The failed runner let go of the advisory lock: a runner on other connections (the fixed build) gets it.
        var fixedRunner = new MigrationRunner(database.CreateDataSource(), Three, logger: null);
        Assert.Equal(2, await fixedRunner.MigrateAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([1, 2, 3], await AppliedVersionsAsync(failingDataSource));
    }

    [Fact]
    public async Task Ten_runners_starting_together_on_an_empty_database_apply_each_migration_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        // Each migration would fail if run twice (CREATE TABLE), and leaves a row per run in applied_log.
        var migrations = Enumerable.Range(1, 5).Select(v => new Migration(
            v,
            $"step_{v}",
            (v == 1 ? "CREATE TABLE applied_log (version int NOT NULL); " : string.Empty)
                + $"CREATE TABLE t_step_{v} (id int); INSERT INTO applied_log VALUES ({v}); SELECT pg_sleep(0.05);",
            $"DROP TABLE t_step_{v};" + (v == 1 ? " DROP TABLE applied_log;" : string.Empty))).ToList();
        var runners = Enumerable.Range(0, 10).Select(_ => new MigrationRunner(database.CreateDataSource(), migrations, logger: null)).ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = runners.Select(r => Task.Run(async () =>
        {
            await start.Task;
            return await r.MigrateAsync();
        })).ToList();
        start.SetResult();
        var ran = await Task.WhenAll(running).WaitAsync(TimeSpan.FromMinutes(2));

        var dataSource = database.CreateDataSource();
        Assert.Equal(migrations.Count, ran.Sum());
        Assert.Equal(migrations.Count, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM allixios_schema_migrations"));
        Assert.Equal(migrations.Count, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM applied_log"));
        Assert.Equal(migrations.Count, await ScalarAsync<long>(dataSource, "SELECT count(DISTINCT version) FROM applied_log"));
    }

    [Fact]
    public async Task Two_runners_of_the_embedded_migrations_starting_together_migrate_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var runners = new[] { new MigrationRunner(database.CreateDataSource()), new MigrationRunner(database.CreateDataSource()) };
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = runners.Select(r => Task.Run(async () =>
        {
            await start.Task;
            return await r.MigrateAsync();
        })).ToList();
        start.SetResult();
        var ran = await Task.WhenAll(running).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(MigrationCatalog.All.Count, ran.Sum());
        Assert.Equal(MigrationCatalog.All.Count, await ScalarAsync<long>(database.CreateDataSource(), "SELECT count(*) FROM allixios_schema_migrations"));
    }

    private static async Task<bool> ExistsAsync(NpgsqlDataSource dataSource, string relation)
    {
        await using var command = dataSource.CreateCommand("SELECT to_regclass($1) IS NOT NULL");
        command.Parameters.Add(new() { Value = relation });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> FunctionExistsAsync(NpgsqlDataSource dataSource, string name)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_proc WHERE proname = $1");
        command.Parameters.Add(new() { Value = name });
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static async Task<(bool Enabled, bool Forced)> RowSecurityAsync(NpgsqlDataSource dataSource, string table)
    {
        await using var command = dataSource.CreateCommand("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = to_regclass($1)");
        command.Parameters.Add(new() { Value = table });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetBoolean(0), reader.GetBoolean(1));
    }

    private static async Task<List<int>> AppliedVersionsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT version FROM allixios_schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
