using Allixios.Orchestration;
using Npgsql;

namespace Allixios.TestWorker;

/// <summary>
/// Records that an attempt started (<c>worker_runs</c>), works for the payload's milliseconds, then records the
/// completion (<c>worker_completions</c>, one row per job by its primary key). A second completion of one job is not
/// swallowed: it is counted in <c>worker_duplicates</c>, which the tests expect to stay empty. The tables are the
/// test's; they have no row-level security.
/// </summary>
internal sealed class RecordingHandler(NpgsqlDataSource dataSource) : IJobHandler<RecordingPayload>
{
    public const string JobType = "resilience.record";

    public async ValueTask HandleAsync(JobContext<RecordingPayload> context)
    {
        var job = context.Job;
        var cancellationToken = context.CancellationToken;
        await using (var started = dataSource.CreateCommand("INSERT INTO worker_runs (job_id, attempt, pid, started_at) VALUES ($1, $2, $3, clock_timestamp())"))
        {
            started.Parameters.Add(new() { Value = job.Id });
            started.Parameters.Add(new() { Value = job.Attempt });
            started.Parameters.Add(new() { Value = Environment.ProcessId });
            await started.ExecuteNonQueryAsync(cancellationToken);
        }

        await Task.Delay(context.Payload.Ms, cancellationToken);

        await using var completed = dataSource.CreateCommand("""
            WITH first AS (
                INSERT INTO worker_completions (job_id, attempt, pid) VALUES ($1, $2, $3) ON CONFLICT (job_id) DO NOTHING RETURNING job_id
            )
            INSERT INTO worker_duplicates (job_id, attempt, pid) SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM first)
            """);
        completed.Parameters.Add(new() { Value = job.Id });
        completed.Parameters.Add(new() { Value = job.Attempt });
        completed.Parameters.Add(new() { Value = Environment.ProcessId });
        await completed.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The payload: how long the job works.</summary>
/// <param name="Ms">Milliseconds.</param>
internal sealed record RecordingPayload(int Ms);
