using Allixios.Orchestration;
using Xunit;
using Xunit.Abstractions;

namespace Allixios.IntegrationTests.Resilience;

/// <summary>
/// Worker processes killed with SIGKILL mid-job, again and again: every job still completes exactly once, and a killed
/// job runs again only after its lease expired (the test worker leases for 2 s).
/// </summary>
[Collection(ResilienceGroup.Name)]
public sealed class WorkerCrashTests(MigratedPostgresDatabase database, ITestOutputHelper output) : IClassFixture<MigratedPostgresDatabase>
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    [Fact(Timeout = 240_000)]
    public async Task Workers_killed_mid_job_again_and_again_leave_every_job_completed_exactly_once_after_its_lease_expired()
    {
        const int Jobs = 24;
        const int Kills = 4;
        await ResilienceDatabase.ResetAsync(database.DataSource);
        await using var queue = new PostgresJobQueue(database.DataSource, TimeProvider.System);
        var client = ResilienceDatabase.Client(queue);
        var ids = new List<Guid>();
        for (var i = 0; i < Jobs; i++)
        {
            // Each job works 800 ms after recording its start, so a run that started moments ago is surely mid-job.
            ids.Add((await client.EnqueueAsync("tenant-a", new NewJob(ResilienceDatabase.JobType, """{"ms":800}""") { MaxAttempts = 10 })).Job.Id);
        }

        var workers = new List<TestWorkerProcess>();
        var killed = new List<(Guid JobId, int Attempt)>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                workers.Add(TestWorkerProcess.Start(database.Database.ConnectionString, $"crash-worker-{i}", concurrency: 1));
            }

            var deadline = DateTime.UtcNow.AddSeconds(150);
            while (killed.Count < Kills)
            {
                Assert.True(DateTime.UtcNow < deadline, "No worker was caught mid-job in time. Worker output:\n" + string.Join("\n---\n", workers.Select(w => w.Output)));
                foreach (var dead in workers.Where(w => w.HasExited).ToList())
                {
                    Assert.Fail($"Worker {dead.Pid} exited by itself:\n{dead.Output}");
                }

                // A worker runs one handler at a time; one whose current run started under 300 ms ago is inside its 800 ms
                // of work, not between recording the completion and acknowledging it. Its slot comes back when a handler
                // returns, before the success is written, so it may already run the next job while the last one's
                // success is on its way: such a worker is not killed, since a kill then would run that finished job
                // again (at least once, as with any lease: the queue still records one success) and this test is about
                // jobs killed mid-work.
                var found = await FindWorkerMidJobAsync(workers.Select(w => w.Pid).ToArray());
                if (found is not { } mid)
                {
                    await Task.Delay(20);
                    continue;
                }

                killed.Add((mid.JobId, mid.Attempt));
                var victim = workers.Single(w => w.Pid == mid.Pid);
                victim.KillHard();
                output.WriteLine($"killed worker {mid.Pid} running job {mid.JobId} (attempt {mid.Attempt})");
                workers.Remove(victim);
                victim.Dispose();
                workers.Add(TestWorkerProcess.Start(database.Database.ConnectionString, $"crash-worker-{killed.Count + 1}", concurrency: 1));
            }

            while (await ResilienceDatabase.CountAsync(database.DataSource, "SELECT count(*) FROM jobs WHERE state <> 'succeeded'") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The jobs did not all succeed in time. Worker output:\n" + string.Join("\n---\n", workers.Select(w => w.Output)));
                Assert.DoesNotContain(workers, w => w.HasExited);
                await Task.Delay(100);
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }

        // Exactly once: one completion recorded by a handler per job, no second one, one succeeded event per job.
        Assert.Equal((long)Jobs, await ResilienceDatabase.CountAsync(database.DataSource, "SELECT count(*) FROM worker_completions"));
        if (await ResilienceDatabase.CountAsync(database.DataSource, "SELECT count(*) FROM worker_duplicates") > 0)
        {
            Assert.Fail("A handler completed a job twice:\n" + await DescribeDuplicatesAsync(queue, killed));
        }

        Assert.Equal((long)Jobs, await ResilienceDatabase.CountAsync(database.DataSource, "SELECT count(DISTINCT job_id) FROM job_history WHERE to_state = 'succeeded'"));
        Assert.Equal((long)Jobs, await ResilienceDatabase.CountAsync(database.DataSource, "SELECT count(*) FROM job_history WHERE to_state = 'succeeded'"));

        // Each killed run was taken back by the rescuer only once its lease had run out, then run again to success.
        foreach (var (jobId, attempt) in killed)
        {
            var history = await queue.GetHistoryAsync("tenant-a", jobId);
            var leased = history.Single(e => e.To == JobState.Running && e.Attempt == attempt);
            var rescued = history.Single(e => e.From == JobState.Running && e.To == JobState.Retrying && e.Attempt == attempt);
            Assert.Contains("expired without a heartbeat", rescued.Error, StringComparison.Ordinal);
            Assert.True(rescued.At - leased.At >= Lease, $"Job {jobId} attempt {attempt} was rescued {(rescued.At - leased.At).TotalMilliseconds} ms after it was leased, before its lease expired.");
            var job = await queue.GetAsync("tenant-a", jobId);
            Assert.Equal(JobState.Succeeded, job!.State);
            Assert.True(job.Attempt > attempt);
        }

        Assert.Equal(ids.Order(), (await queue.ListAsync(new JobQuery("tenant-a") { State = JobState.Succeeded, Limit = 100 })).Select(j => j.Id).Order());
    }

    // The jobs table is read in the system scope: row-level security hides it from a plain connection, and with it
    // the successes still waiting to be written.
    private async Task<(int Pid, Guid JobId, int Attempt)?> FindWorkerMidJobAsync(int[] live)
    {
        await using var scope = await Allixios.Storage.PostgresScope.ForSystemAsync(database.DataSource);
        await using var find = scope.CreateCommand("""
            SELECT r.pid, r.job_id, r.attempt FROM worker_runs r
            WHERE r.pid = ANY($1) AND r.started_at > clock_timestamp() - interval '300 milliseconds'
              AND NOT EXISTS (SELECT 1 FROM worker_completions c WHERE c.job_id = r.job_id)
              AND NOT EXISTS (
                  SELECT 1 FROM worker_completions c JOIN jobs j ON j.job_id = c.job_id
                  WHERE c.pid = r.pid AND j.state <> 'succeeded')
            ORDER BY r.started_at DESC LIMIT 1
            """);
        find.Parameters.Add(new() { Value = live });
        await using var reader = await find.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt32(0), reader.GetGuid(1), reader.GetInt32(2)) : null;
    }

    // Which path ran a job twice: its runs (worker process, attempt, start), the kills, and its history.
    private async Task<string> DescribeDuplicatesAsync(PostgresJobQueue queue, List<(Guid JobId, int Attempt)> killed)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("killed: " + string.Join(", ", killed.Select(k => $"{k.JobId} attempt {k.Attempt}")));
        await using var command = database.DataSource.CreateCommand("""
            SELECT d.job_id, r.attempt, r.pid, r.started_at, c.attempt, c.pid
            FROM (SELECT DISTINCT job_id FROM worker_duplicates) d
            JOIN worker_runs r ON r.job_id = d.job_id
            LEFT JOIN worker_completions c ON c.job_id = d.job_id
            ORDER BY d.job_id, r.started_at
            """);
        var jobs = new HashSet<Guid>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                jobs.Add(reader.GetGuid(0));
                text.AppendLine($"run of {reader.GetGuid(0)}: attempt {reader.GetInt32(1)} pid {reader.GetInt32(2)} at {reader.GetDateTime(3):HH:mm:ss.fff} (first completion: attempt {reader.GetInt32(4)} pid {reader.GetInt32(5)})");
            }
        }

        foreach (var job in jobs)
        {
            foreach (var e in await queue.GetHistoryAsync("tenant-a", job))
            {
                text.AppendLine($"  {e.At:HH:mm:ss.fff} {e.From}->{e.To} attempt {e.Attempt} worker {e.Worker} {e.Error}");
            }
        }

        return text.ToString();
    }
}
