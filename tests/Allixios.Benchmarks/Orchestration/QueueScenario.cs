using System.Diagnostics;
using Allixios.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Allixios.Storage;
using Npgsql;

namespace Allixios.Benchmarks.Orchestration;

/// <summary>
/// <c>queue --store postgres|memory --jobs N [--connection CS]</c>: enqueue throughput through
/// <see cref="JobClient.EnqueueBatchAsync"/> (batches of <see cref="EnqueueBatch"/>, validated as any caller's, a few
/// callers at once), then the hosted worker working them with a no-op handler, in jobs/s. On PostgreSQL the bare loop
/// (batched inserts, then batched SKIP LOCKED claims) runs in the same database in the same run as the ceiling.
/// </summary>
internal static class QueueScenario
{
    private const string Noop = "noop";

    // The most one JobClient batch takes (the runtime's batch endpoint allows as many).
    private const int EnqueueBatch = 500;

    public static async Task<int> RunAsync(string store, int? jobs, string? connection, int concurrency)
    {
        if (store == "postgres")
        {
            if (string.IsNullOrWhiteSpace(connection))
            {
                await Console.Error.WriteLineAsync("queue --store postgres needs --connection CS (a superuser) or ALLIXIOS_TEST_POSTGRES.");
                return 2;
            }

            await using var database = await BenchmarkDatabase.CreateAsync(connection);
            // 20,000 keeps the run near a minute at the rates measured on the shared 2-core machines.
            var count = jobs ?? 20_000;
            var (enqueue, work) = await MeasureAsync(b => b.UsePostgres(database.ConnectionString), count, concurrency, producers: 4);
            var (bareInsert, bareWork) = await BareSkipLockedLoop.RunAsync(database.ConnectionString, count, loops: 4);
            Figure.Compared("queue.postgres.enqueue", Math.Round(enqueue), "jobs/s", "bare-batched-insert", Math.Round(bareInsert)).Print();
            Figure.Compared("queue.postgres.work", Math.Round(work.PerSecond), "jobs/s", "bare-skip-locked", Math.Round(bareWork)).Print();
            return 0;
        }

        if (store == "memory")
        {
            var (enqueue, work) = await MeasureAsync(_ => { }, jobs ?? 200_000, concurrency, producers: 4);
            new Figure("queue.memory.enqueue", Math.Round(enqueue), "jobs/s").Print();
            new Figure("queue.memory.work", Math.Round(work.PerSecond), "jobs/s").Print();
            // CPU time per job worked, all threads of the process: unlike jobs/s it hardly moves when other processes share
            // the cores, and 300,000 jobs/s on 2 cores needs it at 6.7 us or less.
            new Figure("queue.memory.work.cpu_per_job", Math.Round(work.CpuPerJob.TotalMicroseconds, 2), "us").Print();
            new Figure("queue.memory.work.allocated_per_job", Math.Round(work.AllocatedPerJob), "bytes").Print();
            return 0;
        }

        await Console.Error.WriteLineAsync($"Unknown store '{store}': use postgres or memory.");
        return 2;
    }

    private static async Task<(double Enqueue, WorkFigures Work)> MeasureAsync(Action<IAllixiosBuilder> store, int jobs, int concurrency, int producers)
    {
        // One untimed batch per producer first: the first batches pay for JIT compilation and for opening and preparing
        // the pooled connections, which a long-running host pays once. The bare loop runs after this and is warm too.
        // The warm-up jobs are worked with the others, so the work phase counts them.
        var warmUp = producers * EnqueueBatch;
        var probe = new NoopProbe(warmUp + jobs);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(probe);
        var allixios = builder.Services.AddAllixios(o => o.InstanceName = "bench");
        store(allixios);
        allixios.AddOrchestration(o =>
        {
            o.Concurrency = concurrency;
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        }).AddJobHandler<NoopHandler>(Noop);

        // The jobs are enqueued through the built host's client before the host (and so its worker) starts, so the two
        // phases are measured apart.
        using var host = builder.Build();
        if (host.Services.GetService<NpgsqlDataSource>() is { } dataSource)
        {
            await new MigrationRunner(dataSource).MigrateAsync();
        }

        var client = host.Services.GetRequiredService<JobClient>();
        await EnqueueAsync(client, warmUp, producers);
        var clock = Stopwatch.StartNew();
        await EnqueueAsync(client, jobs, producers);
        var enqueue = jobs / clock.Elapsed.TotalSeconds;
        await Console.Error.WriteLineAsync($"enqueued {jobs} jobs in {clock.Elapsed.TotalSeconds:F2} s (after {warmUp} untimed)");

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        await host.StartAsync();
        await probe.AllHandled.WaitAsync(TimeSpan.FromMinutes(3));
        var elapsed = clock.Elapsed;
        process.Refresh();
        var worked = warmUp + jobs;
        var work = new WorkFigures(worked / elapsed.TotalSeconds, (process.TotalProcessorTime - cpu) / worked, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)worked);
        await Console.Error.WriteLineAsync($"worked {worked} jobs in {elapsed.TotalSeconds:F2} s ({work.CpuPerJob.TotalMicroseconds:F2} us CPU and {work.AllocatedPerJob:F0} bytes allocated per job)");
        await host.StopAsync();
        return (enqueue, work);
    }

    // Producers take batches of EnqueueBatch from a shared count until the jobs are all enqueued.
    private static Task EnqueueAsync(JobClient client, int jobs, int producers)
    {
        var next = 0;
        return Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            int first;
            while ((first = Interlocked.Add(ref next, EnqueueBatch) - EnqueueBatch) < jobs)
            {
                var batch = Enumerable.Range(0, Math.Min(EnqueueBatch, jobs - first)).Select(_ => new NewJob(Noop, "{}")).ToList();
                await client.EnqueueBatchAsync("bench-tenant", batch);
            }
        })));
    }

    private readonly record struct WorkFigures(double PerSecond, TimeSpan CpuPerJob, double AllocatedPerJob);

    private sealed class NoopProbe(int expected)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _handled;

        public Task AllHandled => _all.Task;

        public void Handled()
        {
            if (Interlocked.Increment(ref _handled) == expected)
            {
                _all.TrySetResult();
            }
        }
    }

    private sealed class NoopHandler(NoopProbe probe) : IJobHandler<object>
    {
        public ValueTask HandleAsync(JobContext<object> context)
        {
            probe.Handled();
            return ValueTask.CompletedTask;
        }
    }
}
