using System.Text.Json;
using Allixios.AiRouting;
using Allixios.Content;
using Allixios.Orchestration;
using Allixios.Quality;
using Allixios.Sdk.Tests.AiRouting;
using Allixios.Sdk.Tests.Quality;
using Allixios.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.Sdk.Tests.Content;

/// <summary>
/// The <c>content.generate</c> job end to end in a host with the worker: the router streams from a WireMock server that
/// speaks OpenAI's SSE wire format, budgets and ledgers are the in-memory ones <c>AddContentGeneration</c> brings.
/// </summary>
public sealed class ContentGenerationTests : IDisposable
{
    private const string Tenant = "acme";
    private const string Brief = """{"topic":"Planting a spring vegetable garden","audience":"home gardeners","keywords":["compost","watering","peas"],"length":320,"tone":"friendly"}""";

    private readonly WireMockServer _openAi = WireMockServer.Start();

    public void Dispose() => _openAi.Stop();

    [Fact(Timeout = 60_000)]
    public async Task A_brief_becomes_a_scored_draft_stored_as_the_jobs_result_with_model_cost_and_latency()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStreams.For(QualityTexts.StructuredArticle, promptTokens: 140, completionTokens: 430)));
        using var host = await StartAsync();
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob(ContentGeneration.JobType, Brief))).Job;
        var done = await WaitUntilFinishedAsync(client, job.Id);

        Assert.Equal(JobState.Succeeded, done.State);
        var stored = await host.Services.GetRequiredService<IJobResultStore>().GetAsync(Tenant, job.Id);
        var draft = JsonSerializer.Deserialize<ContentDraft>(stored!.Result, ContentGenerationHandler.ResultJson)!;
        Assert.Equal(QualityTexts.StructuredArticle.Trim(), draft.Text);
        Assert.Equal(314, draft.Words);
        Assert.True(draft.Score >= 95, $"scored {draft.Score}");
        Assert.Equal(7, draft.Breakdown.Count);
        Assert.Equal(100, draft.Breakdown.Single(c => c.Name == QualityScorerNames.Keywords).Score);
        Assert.Equal(("gpt-4o-mini", "mini", "openai"), (draft.Model, draft.Deployment, draft.Provider));
        Assert.Equal((140L, 430L, false), (draft.InputTokens, draft.OutputTokens, draft.UsageEstimated));
        // 140 × 0.15 $/M + 430 × 0.60 $/M.
        Assert.Equal(0.000279m, draft.Cost);
        Assert.Equal("USD", draft.Currency);
        Assert.True(draft.LatencyMs > 0);
        Assert.Equal(1, draft.Attempts);

        // One streamed call, bounded by the brief's length, carrying the brief.
        using var sent = JsonDocument.Parse(Assert.Single(_openAi.LogEntries).RequestMessage.Body!);
        Assert.True(sent.RootElement.GetProperty("stream").GetBoolean());
        Assert.Equal(640, sent.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Contains("Planting a spring vegetable garden", sent.RootElement.GetProperty("messages").GetRawText(), StringComparison.Ordinal);

        // On the ledger under the job, in the quality ledger, and fed back to the router.
        var entry = Assert.Single(await host.Services.GetRequiredService<IUsageLedger>().ListAsync(new UsageQuery(Tenant)));
        Assert.Equal((job.Id, ContentGeneration.JobType, UsageOutcome.Succeeded, 0.000279m), (entry.JobId, entry.JobType, entry.Outcome, entry.Cost));
        var scores = Assert.Single(await host.Services.GetRequiredService<IQualityLedger>().SummarizeAsync(new QualityQuery(Tenant)));
        Assert.Equal(new QualitySummary(ContentGeneration.JobType, "gpt-4o-mini", 1, draft.Score, draft.Score), scores);
        Assert.Equal(1, host.Services.GetRequiredService<AiRouter>().GetQualityEstimate("gpt-4o-mini")!.Value.Samples);
        Assert.Equal(100, done.Progress!.Percent);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_that_holds_its_own_reservation_is_charged_once_with_the_calls_cost()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStreams.For(QualityTexts.StructuredArticle, 140, 430)));
        using var host = await StartAsync();
        var budgets = host.Services.GetRequiredService<BudgetClient>();
        var budget = await budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 1m));
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob(ContentGeneration.JobType, Brief) { EstimatedCost = 0.5m })).Job;

        Assert.Equal(JobState.Succeeded, (await WaitUntilFinishedAsync(client, job.Id)).State);
        var after = await budgets.GetAsync(Tenant, budget.Id);
        Assert.Equal((0.000279m, 0m), (after.Spent, after.Reserved));
        Assert.Single(await host.Services.GetRequiredService<IUsageLedger>().ListAsync(new UsageQuery(Tenant)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Over_budget_the_job_is_retried_then_dead_lettered_naming_the_budget_and_no_provider_is_called()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStreams.For(QualityTexts.StructuredArticle, 140, 430)));
        using var host = await StartAsync();
        var budget = await host.Services.GetRequiredService<BudgetClient>().CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 0.0001m) { Name = "tight daily cap" });
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob(ContentGeneration.JobType, Brief) { MaxAttempts = 2 })).Job;
        var done = await WaitUntilFinishedAsync(client, job.Id);

        Assert.Equal(JobState.DeadLettered, done.State);
        Assert.Equal(2, done.Attempt);
        Assert.StartsWith("BudgetExceededException: Budget 'tight daily cap'", done.LastError, StringComparison.Ordinal);
        Assert.Contains(budget.Id.ToString(), done.LastError, StringComparison.Ordinal);
        Assert.Contains((await client.GetHistoryAsync(Tenant, job.Id)).Select(e => e.To), s => s == JobState.Retrying);
        Assert.Empty(_openAi.LogEntries);
        Assert.Null(await host.Services.GetRequiredService<IJobResultStore>().GetAsync(Tenant, job.Id));
        Assert.All(await host.Services.GetRequiredService<IUsageLedger>().ListAsync(new UsageQuery(Tenant)), e => Assert.Equal(UsageOutcome.Refused, e.Outcome));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failing_provider_is_retried_by_the_router_then_the_job_is_dead_lettered_with_the_providers_error()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiServerError, 500));
        using var host = await StartAsync();
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob(ContentGeneration.JobType, Brief) { MaxAttempts = 2 })).Job;
        var done = await WaitUntilFinishedAsync(client, job.Id);

        Assert.Equal(JobState.DeadLettered, done.State);
        Assert.StartsWith("AiProviderException: All 1 deployment(s) tried failed", done.LastError, StringComparison.Ordinal);
        Assert.Contains("The server had an error while processing your request", done.LastError, StringComparison.Ordinal);
        // Two job attempts, each a first try and one retry by the router's resilience handler.
        Assert.Equal(4, _openAi.LogEntries.Count);
        Assert.Null(await host.Services.GetRequiredService<IJobResultStore>().GetAsync(Tenant, job.Id));
        var failures = await host.Services.GetRequiredService<IUsageLedger>().ListAsync(new UsageQuery(Tenant));
        Assert.Equal(2, failures.Count);
        Assert.All(failures, e => Assert.Equal((UsageOutcome.Failed, 0m, job.Id), (e.Outcome, e.Cost, e.JobId)));
    }

    [Fact]
    public async Task A_brief_the_schema_rejects_is_refused_at_enqueue_naming_what_is_wrong()
    {
        using var host = Build();
        var client = host.Services.GetRequiredService<JobClient>();

        var missing = await Assert.ThrowsAsync<AllixiosException>(async () => await client.EnqueueAsync(Tenant, new NewJob(ContentGeneration.JobType, """{"length":300}""")));
        var tooShort = await Assert.ThrowsAsync<AllixiosException>(async () => await client.EnqueueAsync(Tenant, new NewJob(ContentGeneration.JobType, """{"topic":"x","length":5}""")));
        var unknown = await Assert.ThrowsAsync<AllixiosException>(async () => await client.EnqueueAsync(Tenant, new NewJob(ContentGeneration.JobType, """{"topic":"x","wordCount":300}""")));

        Assert.Contains("topic", missing.Message, StringComparison.Ordinal);
        Assert.Contains("length", tooShort.Message, StringComparison.Ordinal);
        Assert.Contains("wordCount", unknown.Message, StringComparison.Ordinal);
        Assert.All([missing, tooShort, unknown], e => Assert.Equal("invalid_payload", e.Reason));
    }

    [Fact]
    public void AddContentGeneration_registers_the_job_type_once_however_often_it_is_called()
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddContentGeneration().AddContentGeneration(o => o.Temperature = 0.2f);

        Assert.Single(services, s => s.ImplementationInstance is JobTypeRegistration { Name: ContentGeneration.JobType });
    }

    private IHost Build()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAllixios(o => o.InstanceName = "content-test")
            .AddOrchestration(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
                o.LeaseDuration = TimeSpan.FromSeconds(5);
                o.RetryBaseDelay = TimeSpan.Zero;
                o.RetryMaxDelay = TimeSpan.Zero;
            })
            .AddAiRouting(o =>
            {
                o.OpenAi("openai", _openAi);
                o.Deploy("mini", "openai", "gpt-4o-mini");
                o.MaxRetries = 1;
                o.RetryDelay = TimeSpan.FromMilliseconds(1);
                o.BreakerMinimumThroughput = 100;
            })
            .AddContentGeneration();
        return builder.Build();
    }

    private async Task<IHost> StartAsync()
    {
        var host = Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<Job> WaitUntilFinishedAsync(JobClient client, Guid jobId)
    {
        // Bounded by the test's timeout; no assertion on how long it takes.
        while (true)
        {
            var job = await client.GetAsync(Tenant, jobId);
            if (JobStateMachine.IsFinished(job.State))
            {
                return job;
            }

            await Task.Delay(20);
        }
    }
}
