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
                var live = workers.Select(w => w.Pid).ToArray();
                await using var find = database.DataSource.CreateCommand("""
                    SELECT r.pid, r.job_id, r.attempt FROM worker_runs r
                    WHERE r.pid = ANY($1) AND r.started_at > clock_timestamp() - interval '300 milliseconds'
                      AND NOT EXISTS (SELECT 1 FROM worker_completions c WHERE c.job_id = r.job_id)
                      AND NOT EXISTS (
                          SELECT 1 FROM worker_completions c JOIN jobs j ON j.job_id = c.job_id
                          WHERE c.pid = r.pid AND j.state <> 'succeeded')
                    ORDER BY r.started_at DESC LIMIT 1
                    """);
                find.Parameters.Add(new() { Value = live });
                int? pid = null;
                await using (var reader = await find.ExecuteReaderAsync())
                {
                    if (await reader.ReadAsync())
                    {
                        pid = reader.GetInt32(0);
                        killed.Add((reader.GetGuid(1), reader.GetInt32(2)));
                    }
                }

                if (pid is null)
                {
                    await Task.Delay(20);
                    continue;
                }

                var victim = workers.Single(w => w.Pid == pid);
                victim.KillHard();
                output.WriteLine($"killed worker {pid} running job {killed[^1].JobId} (attempt {killed[^1].Attempt})");
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
        Assert.Equal(0L, await ResilienceDatabase.CountAsync(database.DataSource, "SELECT count(*) FROM worker_duplicates"));
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
}
