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

    // Two callers enqueue at once on PostgreSQL: while the server inserts one batch, the client builds the next, and
    // both cores are busy. Four (the in-memory figure's) contend for the same right-most pages of the jobs indexes:
    // 28-30 us of server CPU per job enqueued against 21-29 with two, in runs side by side.
    private const int PostgresProducers = 2;

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
            var cost = new PostgresCost(database.SuperuserConnectionString);
            var (enqueue, work) = await MeasureAsync(b => b.UsePostgres(database.ConnectionString), count, concurrency, PostgresProducers, new WarmUp(Rounds: 10, Jobs: 5_000), cost, database.VacuumAsync);
            var (bareInsert, bareWork) = await BareSkipLockedLoop.RunAsync(database.ConnectionString, count, loops: 4, cost);
            Figure.Compared("queue.postgres.enqueue", Math.Round(enqueue.PerSecond), "jobs/s", "bare-batched-insert", Math.Round(bareInsert.PerSecond)).Print();
            Figure.Compared("queue.postgres.work", Math.Round(work.PerSecond), "jobs/s", "bare-skip-locked", Math.Round(bareWork.PerSecond)).Print();
            // Per job, beside the bare loop's: what the rates come from, and (unlike them) hardly moved by other processes
            // on the machine. CPU is the benchmark process's (client) and the database backends' (server).
            PrintCosts("queue.postgres.enqueue", enqueue, "bare-batched-insert", bareInsert);
            PrintCosts("queue.postgres.work", work, "bare-skip-locked", bareWork);
            return 0;
        }

        if (store == "memory")
        {
            var (enqueue, work) = await MeasureAsync(_ => { }, jobs ?? 200_000, concurrency, producers: 4, new WarmUp(Rounds: 10, Jobs: 50_000));
            new Figure("queue.memory.enqueue", Math.Round(enqueue.PerSecond), "jobs/s").Print();
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

    private static IHost BuildHost(Action<IAllixiosBuilder> store, NoopProbe probe, int concurrency)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(probe);
        var allixios = builder.Services.AddAllixios(o => o.InstanceName = "bench");
        store(allixios);
        allixios.AddOrchestration(o =>
        {
            o.Concurrency = concurrency;
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        }).AddJobHandler<NoopHandler>(Noop);
        return builder.Build();
    }

    private static void PrintCosts(string scenario, PhaseFigures phase, string baseline, PhaseFigures bare)
    {
        Figure.Compared($"{scenario}.client_cpu_per_job", Math.Round(phase.CpuPerJob.TotalMicroseconds, 2), "us", baseline, Math.Round(bare.CpuPerJob.TotalMicroseconds, 2)).Print();
        if (phase.Server is { } server && bare.Server is { } bareServer)
        {
            Figure.Compared($"{scenario}.server_cpu_per_job", Math.Round(server.ServerCpuMicroseconds, 2), "us", baseline, Math.Round(bareServer.ServerCpuMicroseconds, 2)).Print();
            Figure.Compared($"{scenario}.wal_per_job", Math.Round(server.WalBytes), "bytes", baseline, Math.Round(bareServer.WalBytes)).Print();
        }
    }

    private static async Task<(PhaseFigures Enqueue, PhaseFigures Work)> MeasureAsync(Action<IAllixiosBuilder> store, int jobs, int concurrency, int producers, WarmUp warmUp, PostgresCost? cost = null, Func<Task>? afterWarmUp = null)
    {
        // A long-running host compiles its code once, but the work phase of a fresh process is its first run: tiered
        // compilation compiled thousands of methods during it (a quarter to a third of the CPU went to the JIT and to
        // unoptimised code). A method is compiled again with profiling and only then optimised, each step after it was
        // called a while, so throwaway hosts in this process enqueue and work jobs over several rounds first (one round
        // left much of the code unoptimised), and the measured host runs code compiled as a worker's is after its first
        // minute. Code that runs once per batch (an enqueue, a claim) is called a few dozen times per round: after four
        // PostgreSQL rounds the measured work phase still compiled some 750 methods in a second of CPU, after ten about
        // 150 in a tenth of that. Each phase's line on stderr says what the JIT compiled during it.
        for (var round = 1; round <= warmUp.Rounds; round++)
        {
            await RunHostAsync($"warm-up host {round}/{warmUp.Rounds}", store, warmUp.Jobs, concurrency, producers, cost: null);
        }

        // The warm-up leaves tens of thousands of dead row versions and index entries at the head of the queue's indexes,
        // which every claim of the measured host would walk until autovacuum came by (at a moment that differed from run
        // to run); the bare loop starts on a new table. So the measured host starts on a vacuumed one too.
        if (afterWarmUp is not null)
        {
            await afterWarmUp();
        }

        await WaitForJitToSettleAsync();
        return await RunHostAsync("measured host", store, jobs, concurrency, producers, cost);
    }

    /// <summary>How many throwaway hosts work how many jobs each before the measured one.</summary>
    private readonly record struct WarmUp(int Rounds, int Jobs);

    // Tier-1 recompilation runs in the background after methods reach their call counts; measuring before it ends would
    // count its CPU against the jobs.
    private static async Task WaitForJitToSettleAsync()
    {
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quiet = 0;
        for (var waited = 0; waited < 20_000 && quiet < 4; waited += 250)
        {
            await Task.Delay(250);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
        }
    }

    private static async Task<(PhaseFigures Enqueue, PhaseFigures Work)> RunHostAsync(string label, Action<IAllixiosBuilder> store, int jobs, int concurrency, int producers, PostgresCost? cost)
    {
        // One untimed batch per producer first: it opens and prepares the pooled connections, which a long-running host
        // does once. The bare loop runs after this and is warm too. The untimed jobs are worked with the others, so the
        // work phase counts them.
        var untimed = producers * EnqueueBatch;
        var probe = new NoopProbe(untimed + jobs);

        // The jobs are enqueued through the built host's client before the host (and so its worker) starts, so the two
        // phases are measured apart.
        using var host = BuildHost(store, probe, concurrency);
        if (host.Services.GetService<NpgsqlDataSource>() is { } dataSource)
        {
            await new MigrationRunner(dataSource).MigrateAsync();
        }

        var client = host.Services.GetRequiredService<JobClient>();
        await EnqueueAsync(client, untimed, producers);
        var meter = await PhaseMeter.StartAsync(cost);
        await EnqueueAsync(client, jobs, producers);
        var enqueue = await meter.StopAsync(jobs);
        await Console.Error.WriteLineAsync($"{label}: enqueued {jobs} jobs in {jobs / enqueue.PerSecond:F2} s (after {untimed} untimed; {enqueue})");

        meter = await PhaseMeter.StartAsync(cost);
        await host.StartAsync();
        await probe.AllHandled.WaitAsync(TimeSpan.FromMinutes(3));
        var worked = untimed + jobs;
        var work = await meter.StopAsync(worked);
        await Console.Error.WriteLineAsync($"{label}: worked {worked} jobs in {worked / work.PerSecond:F2} s ({work})");
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
