using Allixios.TestWorker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

// A worker process for the resilience tests: the hosted job worker on PostgreSQL with short leases, running one job
// type whose handler records each run in the test's own tables. Settings come from the environment the test sets.
var connectionString = Environment.GetEnvironmentVariable("ALLIXIOS_WORKER_POSTGRES")
    ?? throw new InvalidOperationException("Set ALLIXIOS_WORKER_POSTGRES to the test database's connection string.");
var name = Environment.GetEnvironmentVariable("ALLIXIOS_WORKER_NAME") is { Length: > 0 } given ? given : "test-worker";
var concurrency = int.TryParse(Environment.GetEnvironmentVariable("ALLIXIOS_WORKER_CONCURRENCY"), out var c) ? c : 1;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.AddAllixios(o => o.InstanceName = name)
    .UsePostgres(connectionString)
    .AddOrchestration(o =>
    {
        o.Concurrency = concurrency;
        o.LeaseDuration = TimeSpan.FromSeconds(2);
        o.HeartbeatInterval = TimeSpan.FromMilliseconds(300);
        o.MaintenanceInterval = TimeSpan.FromMilliseconds(200);
        o.PollInterval = TimeSpan.FromMilliseconds(100);
        o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        o.RetryMaxDelay = TimeSpan.FromSeconds(1);
    })
    .AddJobHandler<RecordingHandler>(RecordingHandler.JobType);

using var host = builder.Build();
await host.RunAsync();
