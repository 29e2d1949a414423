using System.Security.Cryptography;
using Npgsql;

namespace Allixios.Benchmarks.Orchestration;

/// <summary>
/// A fresh database owned by a fresh ordinary role on the server the superuser connection string names, dropped on
/// dispose. Ordinary, because superusers bypass row-level security, which would make the queue look faster than it is.
/// </summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly string _server;
    private bool _kept;

    private BenchmarkDatabase(string server, string name, string connectionString, string superuser)
    {
        _server = server;
        Name = name;
        ConnectionString = connectionString;
        SuperuserConnectionString = superuser;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public string SuperuserConnectionString { get; }

    public static async Task<BenchmarkDatabase> CreateAsync(string server)
    {
        var name = "allixios_bench_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await ExecuteAsync(server, $"CREATE ROLE \"{name}\" LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{password}'", $"CREATE DATABASE \"{name}\" OWNER \"{name}\"");
        var superuser = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
        await ExecuteAsync(superuser, "CREATE EXTENSION IF NOT EXISTS vector");
        var own = new NpgsqlConnectionStringBuilder(server) { Database = name, Username = name, Password = password, MaxPoolSize = 100 }.ConnectionString;
        return new BenchmarkDatabase(server, name, own, superuser);
    }

    /// <summary>A database an earlier run kept (<c>--keep</c>), by name; its role gets a new password, and it is kept again.</summary>
    public static async Task<BenchmarkDatabase> ExistingAsync(string server, string name)
    {
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await ExecuteAsync(server, $"ALTER ROLE \"{name.Replace("\"", string.Empty, StringComparison.Ordinal)}\" PASSWORD '{password}'");
        var superuser = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
        var own = new NpgsqlConnectionStringBuilder(server) { Database = name, Username = name, Password = password, MaxPoolSize = 100 }.ConnectionString;
        var database = new BenchmarkDatabase(server, name, own, superuser);
        database.Keep();
        return database;
    }

    /// <summary>Vacuums and analyzes every table of the database (as its superuser): dead rows gone, statistics fresh.</summary>
    public Task VacuumAsync() => ExecuteAsync(SuperuserConnectionString, "VACUUM (ANALYZE)");

    /// <summary>Leaves the database and its role in place on dispose, to look into afterwards (EXPLAIN, sizes).</summary>
    public void Keep() => _kept = true;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_kept)
        {
            return;
        }

        await ExecuteAsync(
            _server,
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}' AND pid <> pg_backend_pid()",
            $"DROP DATABASE IF EXISTS \"{Name}\"",
            $"DROP ROLE IF EXISTS \"{Name}\"");
    }

    private static async Task ExecuteAsync(string connectionString, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
