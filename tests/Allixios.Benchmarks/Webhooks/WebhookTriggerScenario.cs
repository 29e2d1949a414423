using System.Diagnostics;
using Allixios.Orchestration;
using Allixios.Storage;
using Allixios.Benchmarks.Orchestration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Allixios.Benchmarks.Webhooks;

/// <summary>
/// What the webhook outbox trigger of migration 0014 costs the queue's hot path: leased jobs completed through
/// <see cref="PostgresJobQueue.CompleteAsync"/> (the completion batcher) with the trigger disabled (the baseline), enabled
/// for a tenant without a subscription to the event, and enabled for a tenant subscribed to <c>job.succeeded</c> (one
/// outbox message per job). Rounds are interleaved so that a machine's load changes affect each variant alike; the
/// median round of each is reported.
/// </summary>
internal static class WebhookTriggerScenario
{
    private const string Tenant = "bench";
    private const string JobType = "bench.noop";

    public static async Task<int> RunAsync(string[] args)
    {
        var server = Environment.GetEnvironmentVariable("ALLIXIOS_TEST_POSTGRES");
        var jobs = 20_000;
        var rounds = 3;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--jobs" && int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                jobs = n;
            }
            else if (args[i] == "--rounds" && int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var r) && r > 0)
            {
                rounds = r;
            }
            else if (args[i] == "--connection")
            {
                server = args[i + 1];
            }
            else
            {
                await Console.Error.WriteLineAsync($"Unknown option '{args[i]}'. Usage: webhooks-trigger [--jobs N] [--rounds N] [--connection CS]");
                return 2;
            }
        }

        if (string.IsNullOrWhiteSpace(server))
        {
            await Console.Error.WriteLineAsync("webhooks-trigger needs PostgreSQL: set ALLIXIOS_TEST_POSTGRES or pass --connection.");
            return 2;
        }

        await using var database = await BenchmarkDatabase.CreateAsync(server);
        await using var dataSource = new NpgsqlDataSourceBuilder(database.ConnectionString).Build();
        await new MigrationRunner(dataSource).MigrateAsync();
        var results = new Dictionary<string, List<double>> { ["disabled"] = [], ["unsubscribed"] = [], ["subscribed"] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var variant in results.Keys)
            {
                var rate = await MeasureAsync(dataSource, variant, jobs);
                results[variant].Add(rate);
                await Console.Error.WriteLineAsync($"round {round + 1} {variant}: {rate:F0} completions/s");
            }
        }

        var baseline = Median(results["disabled"]);
        Figure.Compared("webhooks.trigger.completions.unsubscribed", Median(results["unsubscribed"]), "jobs/s", "trigger-disabled", baseline).Print();
        Figure.Compared("webhooks.trigger.completions.subscribed", Median(results["subscribed"]), "jobs/s", "trigger-disabled", baseline).Print();
        return 0;
    }

    private static async Task<double> MeasureAsync(NpgsqlDataSource dataSource, string variant, int jobs)
    {
        await ExecuteAsync(dataSource, "TRUNCATE webhook_attempts, webhook_messages, webhook_subscriptions, job_dependencies, job_events, jobs");
        await ExecuteAsync(dataSource, variant == "disabled" ? "ALTER TABLE jobs DISABLE TRIGGER jobs_webhook_events" : "ALTER TABLE jobs ENABLE TRIGGER jobs_webhook_events");
        if (variant == "subscribed")
        {
            await ExecuteAsync(dataSource, $"""
                SELECT set_config('allixios.scope', 'system', true);
                INSERT INTO webhook_subscriptions VALUES (gen_random_uuid(), '{Tenant}', 'https://hooks.example.com/', ARRAY['job.succeeded'], 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', true, '', NULL, now(), now());
                """);
        }

        var time = TimeProvider.System;
        await using var queue = new PostgresJobQueue(dataSource, time);
        var client = new JobClient(queue, new JobTypeRegistry([new JobTypeRegistration(JobType, null)]), Options.Create(new OrchestrationOptions()), time);
        for (var enqueued = 0; enqueued < jobs; enqueued += 500)
        {
            await client.EnqueueBatchAsync(Tenant, [.. Enumerable.Range(0, Math.Min(500, jobs - enqueued)).Select(_ => new NewJob(JobType, "{}"))]);
        }

        var leases = new List<JobLease>(jobs);
        while (leases.Count < jobs)
        {
            leases.AddRange(await queue.DequeueAsync(new DequeueRequest("bench", DequeueRequest.MaxBatchSize, TimeSpan.FromMinutes(10))));
        }

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(leases, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (lease, token) =>
        {
            if (!await queue.CompleteAsync(lease, token))
            {
                throw new InvalidOperationException($"Job {lease.Job.Id} was not completed.");
            }
        });
        clock.Stop();
        return jobs / clock.Elapsed.TotalSeconds;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
