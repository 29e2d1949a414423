using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Orchestration;

/// <summary>The production <see cref="IJobResultStore"/>: the <c>job_results</c> table (migration 0011); a trigger deletes a result with its job.</summary>
/// <param name="dataSource">The database.</param>
/// <param name="timeProvider">The clock.</param>
public sealed class PostgresJobResultStore(NpgsqlDataSource dataSource, TimeProvider timeProvider) : IJobResultStore
{
    /// <inheritdoc />
    public async ValueTask SetAsync(JobResult result, CancellationToken cancellationToken = default)
    {
        result = JobResultValidation.Ensure(result);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, result.TenantId, cancellationToken);
        // The job must exist and be visible to the tenant (row-level security).
        await using var command = scope.CreateCommand("""
            INSERT INTO job_results (job_id, tenant_id, result, created_at)
            SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM jobs WHERE job_id = $1)
            ON CONFLICT (job_id) DO UPDATE SET result = excluded.result, created_at = excluded.created_at
            """);
        command.Parameters.Add(new() { Value = result.JobId });
        command.Parameters.Add(new() { Value = result.TenantId });
        command.Parameters.Add(new() { Value = result.Result, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = timeProvider.GetUtcNow().ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw JobResultValidation.NotFound(result.TenantId, result.JobId);
        }

        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<JobResult?> GetAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("SELECT result::text, created_at FROM job_results WHERE job_id = $1");
        command.Parameters.Add(new() { Value = jobId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new JobResult(jobId, tenantId, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1))
            : null;
    }
}
