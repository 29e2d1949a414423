using System.Security.Cryptography;
using Npgsql;
using Xunit;

namespace Allixios.Testing.Storage;

/// <summary>
/// A fresh, uniquely named PostgreSQL database on the test server, owned by a fresh ordinary (not superuser) login
/// role, with pgvector created in it. Tests connect as that role: superusers bypass row-level security, so a test
/// run as one would prove nothing about tenant isolation. Dropped, with its role, on dispose.
/// </summary>
/// <remarks>
/// Use it as a class fixture (<c>IClassFixture&lt;PostgresTestDatabase&gt;</c>) for one database per test class, or
/// <c>await using var db = await PostgresTestDatabase.CreateAsync();</c> for one per test. The server comes from
/// <see cref="EnvironmentVariable"/>: a superuser connection string, which <c>scripts/test-services.sh start</c>
/// writes to <c>.services/env</c>.
/// </remarks>
public sealed class PostgresTestDatabase : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The environment variable holding an Npgsql connection string for a superuser of the test server.</summary>
    public const string EnvironmentVariable = "ALLIXIOS_TEST_POSTGRES";

    private const string NamePrefix = "allixios_test_";

    private readonly List<NpgsqlDataSource> _dataSources = [];
    private readonly Lock _gate = new();
    private string? _connectionString;
    private bool _created;
    private bool _disposed;

    /// <summary>Names a new database; <see cref="InitializeAsync"/> creates it.</summary>
    public PostgresTestDatabase()
    {
        Name = NamePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    }

    /// <summary>The name of the database, which is also the name of the role that owns it.</summary>
    public string Name { get; }

    /// <summary>The connection string of the owning ordinary role, for the tests and the code under test.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database is created in InitializeAsync; call it (or CreateAsync) first.");

    /// <summary>A superuser connection string to this database, for setup that the ordinary role may not do. Never for the code under test.</summary>
    public string SuperuserConnectionString => new NpgsqlConnectionStringBuilder(ServerConnectionString()) { Database = Name, Pooling = false }.ConnectionString;

    /// <summary>Creates and returns a fresh database; dispose it to drop it.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var database = new PostgresTestDatabase();
        try
        {
            await database.InitializeAsync();
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates the role and the database and the vector extension in it.</summary>
    public async Task InitializeAsync()
    {
        var server = ServerConnectionString();
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using (var connection = await OpenAsync(server))
        {
            // Utility statements take no parameters; the name and password are made here of [a-z0-9_] only.
            await ExecuteAsync(connection, $"CREATE ROLE \"{Name}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '{password}'");
            _created = true;
            await ExecuteAsync(connection, $"CREATE DATABASE \"{Name}\" OWNER \"{Name}\"");
        }

        // pgvector is not a trusted extension: only a superuser may create it. The migrations then find it present.
        await using (var connection = await OpenAsync(SuperuserConnectionString))
        {
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector");
        }

        _connectionString = new NpgsqlConnectionStringBuilder(server)
        {
            Database = Name,
            Username = Name,
            Password = password,
            Pooling = true,
        }.ConnectionString;
    }

    /// <summary>
    /// A data source for the owning role with the pgvector type mapping, as <c>UsePostgres</c> builds it; disposed with
    /// the database. <paramref name="configure"/> may change the connection string, e.g. the pool size.
    /// </summary>
    public NpgsqlDataSource CreateDataSource(Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString);
        configure?.Invoke(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString.ConnectionString);
        builder.UseVector();
        var dataSource = builder.Build();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _dataSources.Add(dataSource);
        }

        return dataSource;
    }

    /// <summary>Disposes the data sources handed out, then drops the database and its role.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlDataSource[] dataSources;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            dataSources = [.. _dataSources];
        }

        foreach (var dataSource in dataSources)
        {
            await dataSource.DisposeAsync();
        }

        if (!_created)
        {
            return;
        }

        await using var connection = await OpenAsync(ServerConnectionString());
        await using (var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", connection))
        {
            terminate.Parameters.Add(new() { Value = Name });
            await terminate.ExecuteNonQueryAsync();
        }

        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        await ExecuteAsync(connection, $"DROP ROLE IF EXISTS \"{Name}\"");
    }

    /// <inheritdoc />
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>The superuser connection string to the server's maintenance database.</summary>
    /// <exception cref="InvalidOperationException"><see cref="EnvironmentVariable"/> is not set.</exception>
    public static string ServerConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, so there is no PostgreSQL to test against. Run the tests through the repository's test command, "
                + "which starts PostgreSQL 15 with pgvector and sets it; or start it yourself with 'scripts/test-services.sh start && source .services/env' "
                + "and run 'dotnet test' from that shell. It must be an Npgsql connection string for a superuser, "
                + "e.g. 'Host=127.0.0.1;Port=55432;Username=postgres;Password=…;Database=postgres'.");
        }

        return new NpgsqlConnectionStringBuilder(value) { Pooling = false }.ConnectionString;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
