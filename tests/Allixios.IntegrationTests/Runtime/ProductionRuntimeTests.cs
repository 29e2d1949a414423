using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Allixios.Runtime.Contracts.V1;
using Allixios.IntegrationTests.Caching;
using Allixios.Storage;
using Allixios.Testing.Storage;
using Npgsql;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The runtime in production mode: real PostgreSQL with pgvector and real Redis, started as processes.</summary>
public sealed partial class ProductionRuntimeTests
{
    private static string Redis => TestRedis.Configuration;

    [Fact]
    public async Task On_postgres_and_redis_it_is_ready_and_keeps_tenants_and_keys_across_restarts()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var environment = Production(database);
        string secret;
        await using (var first = await RuntimeProcess.StartAsync(environment))
        {
            await first.WaitUntilAnswersAsync("/health/ready", TimeSpan.FromSeconds(30));
            var ready = await first.Http.GetFromJsonAsync<JsonElement>("/health/ready");
            Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
            Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());

            await SendAsync(first, HttpMethod.Post, "/v1/tenants", """{"tenantId":"durable","displayName":"Durable Ltd"}""");
            var issued = await SendAsync(first, HttpMethod.Post, "/v1/tenants/durable/api-keys", """{"name":"kept","scopes":["content:read"]}""");
            secret = issued.GetProperty("secret").GetString()!;
        }

        await using var second = await RuntimeProcess.StartAsync(environment);
        var me = await new Identity.IdentityClient(second.Grpc).WhoAmIAsync(new WhoAmIRequest(), RuntimeProcess.WithKey(secret));
        var audit = await SendAsync(second, HttpMethod.Get, "/v1/tenants/durable/audit-log");

        Assert.Equal("durable", me.TenantId);
        Assert.Equal("Durable Ltd", me.TenantDisplayName);
        Assert.Equal(["api_key.create", "tenant.create"], audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.DoesNotContain(secret, second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_runtimes_started_at_the_same_moment_on_an_empty_database_migrate_it_exactly_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var environment = Production(database);

        var starting = new[] { RuntimeProcess.StartAsync(environment), RuntimeProcess.StartAsync(environment) };
        var runtimes = await Task.WhenAll(starting);
        try
        {
            foreach (var runtime in runtimes)
            {
                await runtime.WaitUntilAnswersAsync("/health/ready", TimeSpan.FromSeconds(30));
            }

            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT version FROM allixios_schema_migrations ORDER BY version", connection);
            var versions = new List<int>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    versions.Add(reader.GetInt32(0));
                }
            }

            Assert.Equal(MigrationCatalog.All.Select(m => m.Version), versions);
            var applyLines = runtimes.Sum(r => AppliedMigrationLine().Count(r.Output));
            Assert.Equal(MigrationCatalog.All.Count, applyLines);
        }
        finally
        {
            foreach (var runtime in runtimes)
            {
                await runtime.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Readiness_fails_while_redis_does_not_answer_but_liveness_holds()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var environment = new Dictionary<string, string?>(Production(database))
        {
            ["ALLIXIOS__REDIS__CONFIGURATION"] = $"127.0.0.1:{ClosedPort()},connectTimeout=500",
        };
        await using var runtime = await RuntimeProcess.StartAsync(environment);

        using var ready = await runtime.Http.GetAsync("/health/ready");
        using var live = await runtime.Http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var report = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task A_generated_bootstrap_key_is_printed_on_the_first_start_only_and_works()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var environment = new Dictionary<string, string?>(Production(database)) { ["ALLIXIOS__BOOTSTRAPADMINKEY"] = null };
        string key;
        await using (var first = await RuntimeProcess.StartAsync(environment))
        {
            await first.WaitUntilAnswersAsync("/health/ready", TimeSpan.FromSeconds(30));
            key = GeneratedKey().Match(first.Output).Groups["key"].Value;
            Assert.StartsWith("alx_", key, StringComparison.Ordinal);
        }

        await using var second = await RuntimeProcess.StartAsync(environment);
        await second.WaitUntilAnswersAsync("/health/ready", TimeSpan.FromSeconds(30));
        var me = await new Identity.IdentityClient(second.Grpc).WhoAmIAsync(new WhoAmIRequest(), RuntimeProcess.WithKey(key));

        Assert.DoesNotMatch(GeneratedKey(), second.Output);
        Assert.Equal("system", me.TenantId);
        Assert.Equal(["admin"], me.Scopes);
    }

    [Fact]
    public async Task The_migrate_verb_reports_rolls_back_and_reapplies_the_schema()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var environment = new Dictionary<string, string> { ["ALLIXIOS__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString };

        var pending = await RuntimeProcess.RunVerbAsync(environment, "migrate", "status");
        var up = await RuntimeProcess.RunVerbAsync(environment, "migrate", "up");
        var applied = await RuntimeProcess.RunVerbAsync(environment, "migrate", "status");
        var down = await RuntimeProcess.RunVerbAsync(environment, "migrate", "to", "0");
        var tablesAfterDown = await CountTablesAsync(database, "tenants", "api_keys", "audit_log");
        var upAgain = await RuntimeProcess.RunVerbAsync(environment, "migrate", "up");
        var tablesAfterUp = await CountTablesAsync(database, "tenants", "api_keys", "audit_log");
        var beyond = await RuntimeProcess.RunVerbAsync(environment, "migrate", "to", "999");
        var unconfigured = await RuntimeProcess.RunVerbAsync(new Dictionary<string, string>(), "migrate", "up");

        Assert.Equal(0, pending.ExitCode);
        Assert.Contains("pending", pending.Output, StringComparison.Ordinal);
        Assert.Equal(0, up.ExitCode);
        Assert.Contains($"Applied {MigrationCatalog.All.Count} migration(s)", up.Output, StringComparison.Ordinal);
        Assert.Contains("applied 20", applied.Output, StringComparison.Ordinal);
        Assert.Equal(0, down.ExitCode);
        Assert.Equal(0, tablesAfterDown);
        Assert.Equal(0, upAgain.ExitCode);
        Assert.Equal(3, tablesAfterUp);
        Assert.Equal(2, beyond.ExitCode);
        Assert.Contains("'migrate to VERSION'", beyond.Output, StringComparison.Ordinal);
        Assert.Equal(2, unconfigured.ExitCode);
        Assert.Contains("ALLIXIOS__POSTGRES__CONNECTIONSTRING", unconfigured.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Production(PostgresTestDatabase database) => new()
    {
        ["ALLIXIOS__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString,
        ["ALLIXIOS__REDIS__CONFIGURATION"] = Redis,
    };

    private static Task<JsonElement> SendAsync(RuntimeProcess runtime, HttpMethod method, string path, string? json = null)
        => runtime.SendOkAsync(method, path, json);

    private static async Task<long> CountTablesAsync(PostgresTestDatabase database, params string[] tables)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY($1)", connection);
        command.Parameters.Add(new() { Value = tables });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("Applied migration \\d+ ")]
    private static partial Regex AppliedMigrationLine();

    [GeneratedRegex("store it now: (?<key>alx_[A-Za-z0-9_-]+)")]
    private static partial Regex GeneratedKey();
}
