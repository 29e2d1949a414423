using Allixios.Orchestration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Allixios.IntegrationTests.Resilience;

/// <summary>The job tables and the test worker's record tables, emptied, and the reads the resilience tests assert on.</summary>
internal static class ResilienceDatabase
{
    public const string JobType = "resilience.record";

    public static async Task ResetAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            TRUNCATE job_events, jobs;
            CREATE TABLE IF NOT EXISTS worker_runs (job_id uuid NOT NULL, attempt integer NOT NULL, pid integer NOT NULL, started_at timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS worker_completions (job_id uuid PRIMARY KEY, attempt integer NOT NULL, pid integer NOT NULL);
            CREATE TABLE IF NOT EXISTS worker_duplicates (job_id uuid NOT NULL, attempt integer NOT NULL, pid integer NOT NULL);
            TRUNCATE worker_runs, worker_completions, worker_duplicates;
            """);
        await command.ExecuteNonQueryAsync();
    }

    public static JobClient Client(IJobQueue queue) => new(
        queue,
        new JobTypeRegistry([new JobTypeRegistration(JobType, """{"type":"object","required":["ms"],"properties":{"ms":{"type":"integer","minimum":0}}}""")]),
        Options.Create(new OrchestrationOptions()),
        TimeProvider.System);

    /// <summary>The jobs table and the event log seen past row-level security, as the system scope sees them.</summary>
    public static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var scope = await Allixios.Storage.PostgresScope.ForSystemAsync(dataSource);
        await using var command = scope.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
