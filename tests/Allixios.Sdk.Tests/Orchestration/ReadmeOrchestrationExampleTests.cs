using Allixios.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Allixios.Sdk.Tests.Orchestration;

/// <summary>The README's orchestration example, as written there (in memory instead of UsePostgres), in a real host.</summary>
public sealed class ReadmeOrchestrationExampleTests
{
    [Fact(Timeout = 60_000)]
    public async Task The_readme_example_enqueues_a_job_that_its_handler_runs_to_success()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAllixios()
            .AddOrchestration(o => o.Concurrency = 8)
            .AddJobHandler<GenerateArticle>("content.generate", """{"type":"object","required":["topic"]}""");
        using var host = builder.Build();
        await host.StartAsync();

        var jobs = host.Services.GetRequiredService<JobClient>();
        var job = await jobs.EnqueueAsync("acme", new NewJob("content.generate", """{"topic":"spring"}""") { Priority = 7, IdempotencyKey = "brief-17" });

        while (!JobStateMachine.IsFinished((await jobs.GetAsync("acme", job.Job.Id)).State))
        {
            await Task.Delay(20);
        }

        var done = await jobs.GetAsync("acme", job.Job.Id);
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(new JobProgress(50, "outlined"), done.Progress);
        var invalid = await Assert.ThrowsAsync<AllixiosException>(() => jobs.EnqueueAsync("acme", new NewJob("content.generate", "{}")).AsTask());
        Assert.Equal("invalid_payload", invalid.Reason);
        await host.StopAsync();
    }

    public sealed record Brief(string Topic);

    public sealed class GenerateArticle : IJobHandler<Brief>
    {
        public async ValueTask HandleAsync(JobContext<Brief> context)
        {
            await context.ReportProgressAsync(50, "outlined");
        }
    }
}
