using System.Diagnostics;
using Allixios.Orchestration;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Allixios.IntegrationTests.Resilience;

/// <summary>
/// The test PostgreSQL server restarted (<c>pg_ctl restart -m fast</c>, which drops every connection) while jobs are
/// being enqueued and worked: the worker processes reconnect by themselves, and every job whose enqueue was
/// acknowledged is still there and completes. The server is the one scripts/test-services.sh started; it writes its
/// data folder and pg_ctl to the env file as ALLIXIOS_TEST_POSTGRES_DATA and ALLIXIOS_TEST_PG_CTL.
/// </summary>
[Collection(ResilienceGroup.Name)]
public sealed class PostgresRestartTests(MigratedPostgresDatabase database, ITestOutputHelper output) : IClassFixture<MigratedPostgresDatabase>
{
    [Fact(Timeout = 360_000)]
    public async Task Workers_reconnect_by_themselves_after_a_server_restart_under_load_and_no_acknowledged_job_is_lost()
    {
        const int Jobs = 300;
        var dataFolder = Environment.GetEnvironmentVariable("ALLIXIOS_TEST_POSTGRES_DATA");
        var pgCtl = Environment.GetEnvironmentVariable("ALLIXIOS_TEST_PG_CTL");
        var log = Environment.GetEnvironmentVariable("ALLIXIOS_TEST_POSTGRES_LOG");
        Assert.False(
            string.IsNullOrEmpty(dataFolder) || string.IsNullOrEmpty(pgCtl) || string.IsNullOrEmpty(log),
            "Set ALLIXIOS_TEST_POSTGRES_DATA, ALLIXIOS_TEST_PG_CTL and ALLIXIOS_TEST_POSTGRES_LOG: `source <services dir>/env` after scripts/test-services.sh start writes them.");

        await ResilienceDatabase.ResetAsync(database.DataSource);
        // The enqueuer has its own pool, as a separate client process would.
        await using var enqueuerSource = database.Database.CreateDataSource();
        await using var queue = new PostgresJobQueue(enqueuerSource, TimeProvider.System);
        var client = ResilienceDatabase.Client(queue);
        var startDeadline = DateTime.UtcNow.AddSeconds(120);
        var workers = Enumerable.Range(0, 2).Select(i => TestWorkerProcess.Start(database.Database.ConnectionString, $"restart-worker-{i}", concurrency: 4)).ToList();
        try
        {
            // The restart is meant for running workers, not for processes still in their start-up migrations (on a loaded
            // machine a start takes seconds): wait until both say they started.
            while (!workers.All(w => w.HasStarted))
            {
                Assert.True(DateTime.UtcNow < startDeadline, "The workers did not start. Worker output:\n" + string.Join("\n---\n", workers.Select(w => w.Output)));
                Assert.DoesNotContain(workers, w => w.HasExited);
                await Task.Delay(100);
            }

            var acknowledged = new List<Guid>();
            var failedAttempts = 0;
            var restarted = false;
            var deadline = DateTime.UtcNow.AddSeconds(180);
            for (var i = 0; i < Jobs; i++)
            {
                if (i == Jobs / 3)
                {
                    Restart(dataFolder!, pgCtl!, log!);
                    restarted = true;
                }

                // Only a returned enqueue is an acknowledgement; a failed one is retried under the same idempotency key,
                // as a careful client would, so that a commit whose answer was lost is not enqueued twice.
                while (true)
                {
                    Assert.True(DateTime.UtcNow < deadline, "Enqueueing did not recover after the restart.");
                    try
                    {
                        var enqueued = await client.EnqueueAsync("tenant-a", new NewJob(ResilienceDatabase.JobType, """{"ms":20}""") { IdempotencyKey = $"load-{i}", MaxAttempts = 10 });
                        acknowledged.Add(enqueued.Job.Id);
                        break;
                    }
                    catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
                    {
                        failedAttempts++;
                        await Task.Delay(100);
                    }
                }

                await Task.Delay(5);
            }

            output.WriteLine($"{acknowledged.Count} enqueues acknowledged, {failedAttempts} attempts failed around the restart");
            Assert.True(restarted);
            Assert.Equal(Jobs, acknowledged.Distinct().Count());

            await using var checker = database.Database.CreateDataSource();
            while (await ResilienceDatabase.CountAsync(checker, "SELECT count(*) FROM jobs WHERE state <> 'succeeded'") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The jobs did not all succeed after the restart. Worker output:\n" + string.Join("\n---\n", workers.Select(w => w.Output)));
                await Task.Delay(100);
            }

            // The same processes that lived through the restart did the work: they reconnected, nobody restarted them.
            Assert.All(workers, w => Assert.False(w.HasExited, $"Worker {w.Pid} died:\n{w.Output}"));
            await using var read = checker.CreateCommand("SELECT array_agg(job_id) FROM worker_completions");
            var completed = (Guid[])(await read.ExecuteScalarAsync())!;
            Assert.Equal(acknowledged.Order(), completed.Order());
            Assert.Equal((long)Jobs, await ResilienceDatabase.CountAsync(checker, "SELECT count(*) FROM jobs WHERE state = 'succeeded'"));
            Assert.Equal((long)Jobs, await ResilienceDatabase.CountAsync(checker, "SELECT count(*) FROM job_history WHERE to_state = 'succeeded'"));
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    private void Restart(string dataFolder, string pgCtl, string log)
    {
        // The cluster belongs to the postgres user; the tests run as root, as the services script does. The restarted
        // server writes to its log file (-l), not to pg_ctl's output, which would otherwise stay open as long as it runs.
        var start = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-u", "postgres", "--", pgCtl, "restart", "-D", dataFolder, "-l", log, "-m", "fast", "-w", "-t", "60" })
        {
            start.ArgumentList.Add(argument);
        }

        var printed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => printed.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => printed.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExit(TimeSpan.FromSeconds(90));
        output.WriteLine($"pg_ctl restart: {(exited ? $"exit {process.ExitCode}" : "still running after 90 s")}\n{string.Join("\n", printed)}");
        Assert.True(exited && process.ExitCode == 0, $"pg_ctl restart failed: {string.Join("\n", printed)}");
    }
}
