using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Orchestration;

/// <summary>
/// The production <see cref="ICronScheduleStore"/>: the <c>cron_schedules</c> table, isolated by tenant with row-level
/// security; the schedulers' scan of due schedules runs in the system scope. <see cref="TryAdvanceAsync"/> is one
/// conditional UPDATE, so of several replicas firing one schedule at once, exactly one moves it on.
/// </summary>
public sealed class PostgresCronScheduleStore(NpgsqlDataSource dataSource) : ICronScheduleStore
{
    private const string Columns = """
        schedule_id, tenant_id, name, expression, time_zone, job_type, payload::text, priority, max_attempts, timeout, tags, estimated_cost,
        resource, enabled, misfire, max_missed_fires, last_fire_at, next_fire_at, last_error, created_at, updated_at
        """;

    /// <inheritdoc />
    public async ValueTask CreateAsync(CronSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, schedule.TenantId, cancellationToken);
        await using var command = scope.CreateCommand("""
            INSERT INTO cron_schedules (schedule_id, tenant_id, name, expression, time_zone, job_type, payload, priority, max_attempts, timeout, tags,
                                        estimated_cost, resource, enabled, misfire, max_missed_fires, last_fire_at, next_fire_at, last_error, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
            ON CONFLICT ON CONSTRAINT cron_schedules_name DO NOTHING
            """);
        AddSettings(command, schedule);
        command.Parameters.Add(Time(schedule.LastFireAt));
        command.Parameters.Add(Time(schedule.NextFireAt));
        command.Parameters.Add(Text(schedule.LastError));
        command.Parameters.Add(Time(schedule.CreatedAt));
        command.Parameters.Add(Time(schedule.UpdatedAt));
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw CronScheduleErrors.NameTaken(schedule.TenantId, schedule.Name);
        }

        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<CronSchedule?> GetAsync(string tenantId, Guid scheduleId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {Columns} FROM cron_schedules WHERE schedule_id = $1 AND tenant_id = $2");
        command.Parameters.Add(new() { Value = scheduleId });
        command.Parameters.Add(new() { Value = tenantId });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<CronSchedule>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {Columns} FROM cron_schedules WHERE tenant_id = $1");
        command.Parameters.Add(new() { Value = tenantId });
        // Ordered here, not in SQL: the database's collation need not order names the ordinal way.
        return [.. (await ReadAsync(command, cancellationToken)).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async ValueTask<bool> UpdateAsync(CronSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, schedule.TenantId, cancellationToken);
        await using var command = scope.CreateCommand("""
            UPDATE cron_schedules SET name = $3, expression = $4, time_zone = $5, job_type = $6, payload = $7, priority = $8, max_attempts = $9,
                timeout = $10, tags = $11, estimated_cost = $12, resource = $13, enabled = $14, misfire = $15, max_missed_fires = $16,
                next_fire_at = $17, updated_at = $18
            WHERE schedule_id = $1 AND tenant_id = $2
            """);
        AddSettings(command, schedule);
        command.Parameters.Add(Time(schedule.NextFireAt));
        command.Parameters.Add(Time(schedule.UpdatedAt));
        try
        {
            var updated = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
            await scope.CommitAsync(cancellationToken);
            return updated;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw CronScheduleErrors.NameTaken(schedule.TenantId, schedule.Name);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string tenantId, Guid scheduleId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("DELETE FROM cron_schedules WHERE schedule_id = $1 AND tenant_id = $2");
        command.Parameters.Add(new() { Value = scheduleId });
        command.Parameters.Add(new() { Value = tenantId });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await scope.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<CronSchedule>> ListDueAsync(DateTimeOffset now, int maxSchedules, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {Columns} FROM cron_schedules WHERE enabled AND next_fire_at <= $1 ORDER BY next_fire_at, schedule_id LIMIT $2");
        command.Parameters.Add(Time(now));
        command.Parameters.Add(new() { Value = maxSchedules });
        return await ReadAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryAdvanceAsync(string tenantId, Guid scheduleId, DateTimeOffset expectedNextFireAt, DateTimeOffset? lastFireAt, DateTimeOffset? nextFireAt, string? lastError, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("""
            UPDATE cron_schedules SET last_fire_at = coalesce($4, last_fire_at), next_fire_at = $5, last_error = $6, updated_at = $7
            WHERE schedule_id = $1 AND tenant_id = $2 AND next_fire_at = $3
            """);
        command.Parameters.Add(new() { Value = scheduleId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(Time(expectedNextFireAt));
        command.Parameters.Add(Time(lastFireAt));
        command.Parameters.Add(Time(nextFireAt));
        command.Parameters.Add(Text(lastError));
        command.Parameters.Add(Time(now));
        var advanced = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await scope.CommitAsync(cancellationToken);
        return advanced;
    }

    // $1 to $16: the id, the tenant and the settings a caller chooses.
    private static void AddSettings(NpgsqlCommand command, CronSchedule s)
    {
        var job = s.Job;
        command.Parameters.Add(new() { Value = s.Id });
        command.Parameters.Add(new() { Value = s.TenantId });
        command.Parameters.Add(new() { Value = s.Name });
        command.Parameters.Add(new() { Value = s.Expression });
        command.Parameters.Add(new() { Value = s.TimeZone });
        command.Parameters.Add(new() { Value = job.Type });
        command.Parameters.Add(new() { Value = job.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = (short)job.Priority });
        command.Parameters.Add(new() { Value = (object?)job.MaxAttempts ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = (object?)job.Timeout ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new() { Value = (job.Tags ?? []).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)job.EstimatedCost ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
        command.Parameters.Add(Text(job.Resource));
        command.Parameters.Add(new() { Value = s.Enabled });
        command.Parameters.Add(new() { Value = CronMisfirePolicies.ToName(s.Misfire) });
        command.Parameters.Add(new() { Value = s.MaxMissedFires });
    }

    private static async Task<List<CronSchedule>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var schedules = new List<CronSchedule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var job = new NewJob(reader.GetString(5), reader.GetString(6))
            {
                Priority = reader.GetInt16(7),
                MaxAttempts = reader.IsDBNull(8) ? null : reader.GetInt32(8),
                Timeout = reader.IsDBNull(9) ? null : reader.GetFieldValue<TimeSpan>(9),
                Tags = reader.GetFieldValue<string[]>(10),
                EstimatedCost = reader.IsDBNull(11) ? null : reader.GetDecimal(11),
                Resource = reader.IsDBNull(12) ? null : reader.GetString(12),
            };
            schedules.Add(new CronSchedule(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                job,
                reader.GetBoolean(13),
                CronMisfirePolicies.TryParse(reader.GetString(14)) ?? CronMisfirePolicy.FireOnce,
                reader.GetInt32(15),
                reader.IsDBNull(16) ? null : reader.GetFieldValue<DateTimeOffset>(16),
                reader.IsDBNull(17) ? null : reader.GetFieldValue<DateTimeOffset>(17),
                reader.IsDBNull(18) ? null : reader.GetString(18),
                reader.GetFieldValue<DateTimeOffset>(19),
                reader.GetFieldValue<DateTimeOffset>(20)));
        }

        return schedules;
    }

    private static NpgsqlParameter Time(DateTimeOffset? value) => new() { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
