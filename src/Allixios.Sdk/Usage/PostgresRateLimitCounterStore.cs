using Npgsql;
using NpgsqlTypes;

namespace Allixios.Usage;

/// <summary>
/// The <see cref="IRateLimitCounterStore"/> for PostgreSQL-only deployments: one row per counter and window in
/// <c>rate_limit_windows</c>, added to by one conditional upsert (the row lock serialises concurrent adds).
/// When a new window's row is created, the counter's older rows are deleted.
/// </summary>
public sealed class PostgresRateLimitCounterStore(NpgsqlDataSource dataSource) : IRateLimitCounterStore
{
    private const string Add = """
        INSERT INTO rate_limit_windows (limit_key, window_start, used) VALUES ($1, $2, $3)
        ON CONFLICT (limit_key, window_start) DO UPDATE SET used = rate_limit_windows.used + EXCLUDED.used
            WHERE rate_limit_windows.used + EXCLUDED.used <= $4
        RETURNING used, (xmax = 0) AS inserted
        """;

    private const string Read = "SELECT coalesce((SELECT used FROM rate_limit_windows WHERE limit_key = $1 AND window_start = $2), 0)";

    private const string Prune = "DELETE FROM rate_limit_windows WHERE limit_key = $1 AND window_start < $2";

    /// <inheritdoc />
    public async ValueTask<RateLimitCount> TryAddAsync(string key, long amount, long limit, DateTimeOffset windowStart, TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (amount > limit)
        {
            await using var read = Command(connection, Read, key, windowStart);
            return new RateLimitCount(false, (long)(await read.ExecuteScalarAsync(cancellationToken))!);
        }

        long? used = null;
        var inserted = false;
        await using (var add = Command(connection, Add, key, windowStart, amount, limit))
        await using (var reader = await add.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                used = reader.GetInt64(0);
                inserted = reader.GetBoolean(1);
            }
        }

        if (inserted)
        {
            await using var prune = Command(connection, Prune, key, windowStart);
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        if (used is { } counted)
        {
            return new RateLimitCount(true, counted);
        }

        await using var current = Command(connection, Read, key, windowStart);
        return new RateLimitCount(false, (long)(await current.ExecuteScalarAsync(cancellationToken))!);
    }

    /// <inheritdoc />
    public RateLimitCount TryAdd(string key, long amount, long limit, DateTimeOffset windowStart, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var connection = dataSource.OpenConnection();
        if (amount <= limit)
        {
            long? used = null;
            var inserted = false;
            using (var add = Command(connection, Add, key, windowStart, amount, limit))
            using (var reader = add.ExecuteReader())
            {
                if (reader.Read())
                {
                    used = reader.GetInt64(0);
                    inserted = reader.GetBoolean(1);
                }
            }

            if (inserted)
            {
                using var prune = Command(connection, Prune, key, windowStart);
                prune.ExecuteNonQuery();
            }

            if (used is { } counted)
            {
                return new RateLimitCount(true, counted);
            }
        }

        using var read = Command(connection, Read, key, windowStart);
        return new RateLimitCount(false, (long)read.ExecuteScalar()!);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string key, DateTimeOffset windowStart, params long[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = windowStart.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return command;
    }
}
