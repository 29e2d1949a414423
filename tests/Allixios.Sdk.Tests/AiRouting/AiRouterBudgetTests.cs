using Allixios.AiRouting;
using Allixios.Usage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>
/// Routed calls against budgets and the usage ledger (in memory, as <c>AddAiRouting</c> adds them), over the providers'
/// real wire formats: an OpenAI-compatible upstream serving gpt-4o-mini and an Anthropic one serving Claude 3.5 Haiku.
/// </summary>
public sealed class AiRouterBudgetTests : IDisposable
{
    private const string Tenant = "acme";

    private static readonly Guid JobId = Guid.Parse("01938a6e-0000-7000-8000-000000000001");

    // Long enough that the prompt estimate (about 55 tokens) exceeds the 9 prompt tokens the recorded stream reports,
    // so each call's actual cost stays within the maximum it reserves.
    private static readonly string Prompt = "Write a headline for an article about " + new string('x', 180);

    private readonly WireMockServer _openAi = WireMockServer.Start();
    private readonly WireMockServer _anthropic = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-26T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ServiceProvider _services;
    private readonly AiRouter _router;
    private readonly BudgetClient _budgets;
    private readonly IUsageLedger _ledger;

    public AiRouterBudgetTests()
    {
        _services = AiTestHost.Build(
            o =>
            {
                o.OpenAi("openai", _openAi);
                o.Anthropic("anthropic", _anthropic);
                o.Deploy("openai-gpt-4o-mini", "openai", "gpt-4o-mini");
                o.Deploy("openai-embeddings", "openai", "text-embedding-3-small");
                o.Deploy("anthropic-haiku", "anthropic", "claude-3-5-haiku-20241022");
                o.MaxRetries = 0;
                o.DefaultMaxOutputTokens = 2;
            },
            _time);
        _router = _services.GetRequiredService<AiRouter>();
        _budgets = _services.GetRequiredService<BudgetClient>();
        _ledger = _services.GetRequiredService<IUsageLedger>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _openAi.Stop();
        _anthropic.Stop();
    }

    [Fact]
    public async Task Fifty_concurrent_streams_never_overspend_the_budget_and_the_ledger_adds_up_to_the_streams_usage()
        => await ConcurrentBudgetedStreams.RunAsync(_openAi, _router, _budgets, _ledger, Tenant);

    [Fact]
    public async Task A_call_the_budget_cannot_hold_is_refused_naming_the_budget_before_any_provider_is_called()
    {
        _openAi.Given(Request.Create().UsingPost()).RespondWith(Json(OpenAiCompletion));
        var budget = await _budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 0m) { Name = "zero cap" });

        var unary = await Assert.ThrowsAsync<BudgetExceededException>(() => _router.GetResponseAsync(Prompt, Gpt(Tenant)));
        var streamed = await Assert.ThrowsAsync<BudgetExceededException>(() => ProviderWireFormatTests.Collect(_router.GetStreamingResponseAsync(Prompt, Gpt(Tenant))));
        var embedded = await Assert.ThrowsAsync<BudgetExceededException>(() => _router.GenerateAsync(["a text"], new EmbeddingGenerationOptions { AdditionalProperties = new() { [AiRouter.TenantIdProperty] = Tenant } }));

        Assert.All(new[] { unary, streamed, embedded }, e =>
        {
            Assert.Equal(AllixiosErrorKind.ResourceExhausted, e.Kind);
            Assert.Equal(budget.Id, e.Refusal.BudgetId);
            Assert.Contains("zero cap", e.Message, StringComparison.Ordinal);
        });
        Assert.Empty(_openAi.LogEntries);
        Assert.Empty(_anthropic.LogEntries);
        var entries = await _ledger.ListAsync(new UsageQuery(Tenant));
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal((UsageOutcome.Refused, 0m), (e.Outcome, e.Cost)));
    }

    [Fact]
    public async Task An_api_keys_own_budget_refuses_its_calls_while_the_tenants_other_keys_go_on()
    {
        _openAi.Given(Request.Create().UsingPost()).RespondWith(Json(OpenAiCompletion));
        await _budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 0m) { ApiKeyId = "key-1" });

        await Assert.ThrowsAsync<BudgetExceededException>(() => _router.GetResponseAsync(Prompt, Gpt(Tenant)));
        var other = Gpt(Tenant);
        other.AdditionalProperties![AiRouter.ApiKeyIdProperty] = "key-2";
        var report = (await _router.GetResponseAsync(Prompt, other)).GetUsageReport()!;

        var entries = await _ledger.ListAsync(new UsageQuery(Tenant) { ApiKeyId = "key-2" });
        var entry = Assert.Single(entries);
        Assert.Equal((UsageOutcome.Succeeded, report.Cost, "job.type"), (entry.Outcome, entry.Cost, entry.JobType));
        Assert.Equal(JobId, entry.JobId);
    }

    [Fact]
    public async Task A_call_that_failed_over_is_charged_once_by_the_deployment_that_answered()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiServerError, 500));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Json(AnthropicMessage));
        var budget = await _budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 1m));

        var report = (await _router.GetResponseAsync(Prompt, new ChatOptions { AdditionalProperties = new() { [AiRouter.TenantIdProperty] = Tenant } })).GetUsageReport()!;

        Assert.Equal(("anthropic-haiku", 2), (report.DeploymentId, report.Attempts));
        var after = await _budgets.GetAsync(Tenant, budget.Id);
        Assert.Equal((report.Cost, 0m), (after.Spent, after.Reserved));
        var entry = Assert.Single(await _ledger.ListAsync(new UsageQuery(Tenant)));
        Assert.Equal((UsageOutcome.Succeeded, report.Cost, "anthropic", report.Model), (entry.Outcome, entry.Cost, entry.Provider, entry.Model));
    }

    [Fact]
    public async Task A_stream_cut_after_its_first_token_is_charged_once_with_an_estimate_never_zero()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStreamCut));
        var budget = await _budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 1m));

        var error = await Assert.ThrowsAsync<AiProviderException>(() => ProviderWireFormatTests.Collect(_router.GetStreamingResponseAsync(Prompt, Gpt(Tenant))));

        Assert.Equal(AiFailureKind.StreamInterrupted, error.Kind);
        var entry = Assert.Single(await _ledger.ListAsync(new UsageQuery(Tenant)));
        Assert.Equal(UsageOutcome.Failed, entry.Outcome);
        Assert.True(entry.Cost > 0 && entry.InputTokens > 0 && entry.OutputTokens > 0, $"A cut stream was recorded at {entry.Cost} ({entry.InputTokens} in, {entry.OutputTokens} out).");
        var after = await _budgets.GetAsync(Tenant, budget.Id);
        Assert.Equal((entry.Cost, 0m), (after.Spent, after.Reserved));
    }

    [Fact]
    public async Task A_caller_that_stops_reading_a_stream_early_is_charged_for_what_was_streamed()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStream));
        var budget = await _budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 1m));

        await foreach (var update in _router.GetStreamingResponseAsync(Prompt, Gpt(Tenant)))
        {
            if (update.Text.Length > 0)
            {
                break;
            }
        }

        var entry = Assert.Single(await _ledger.ListAsync(new UsageQuery(Tenant)));
        Assert.Equal(UsageOutcome.Cancelled, entry.Outcome);
        Assert.True(entry.Cost > 0);
        var after = await _budgets.GetAsync(Tenant, budget.Id);
        Assert.Equal((entry.Cost, 0m), (after.Spent, after.Reserved));
    }

    [Fact]
    public async Task When_every_deployment_fails_the_reservation_is_released_and_the_failure_recorded_at_no_cost()
    {
        _openAi.Given(Request.Create().UsingPost()).RespondWith(Json(OpenAiServerError, 500));
        _anthropic.Given(Request.Create().UsingPost()).RespondWith(Json(AnthropicOverloaded, 529));
        var budget = await _budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 1m));
        var tenantOnly = new ChatOptions { AdditionalProperties = new() { [AiRouter.TenantIdProperty] = Tenant } };

        await Assert.ThrowsAsync<AiProviderException>(() => _router.GetResponseAsync(Prompt, tenantOnly));
        await Assert.ThrowsAsync<AiProviderException>(() => ProviderWireFormatTests.Collect(_router.GetStreamingResponseAsync(Prompt, tenantOnly)));
        await Assert.ThrowsAsync<AiProviderException>(() => _router.GenerateAsync(["a text"], new EmbeddingGenerationOptions { AdditionalProperties = new() { [AiRouter.TenantIdProperty] = Tenant } }));

        var after = await _budgets.GetAsync(Tenant, budget.Id);
        Assert.Equal((0m, 0m), (after.Spent, after.Reserved));
        var entries = await _ledger.ListAsync(new UsageQuery(Tenant));
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal((UsageOutcome.Failed, 0m), (e.Outcome, e.Cost)));
    }

    [Fact]
    public async Task Embeddings_are_charged_and_recorded_like_chat()
    {
        _openAi.Given(Request.Create().WithPath("/v1/embeddings").UsingPost()).RespondWith(Json(OpenAiEmbeddings));
        var budget = await _budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 1m));

        var report = (await _router.GenerateAsync(["first text", "second text"], new EmbeddingGenerationOptions { AdditionalProperties = new() { [AiRouter.TenantIdProperty] = Tenant } })).GetUsageReport()!;

        var entry = Assert.Single(await _ledger.ListAsync(new UsageQuery(Tenant)));
        Assert.Equal((UsageOutcome.Succeeded, report.Cost, 8L), (entry.Outcome, entry.Cost, entry.InputTokens));
        Assert.Equal(report.Cost, (await _budgets.GetAsync(Tenant, budget.Id)).Spent);
    }

    private static ChatOptions Gpt(string? tenant) => new()
    {
        ModelId = "gpt-4o-mini",
        AdditionalProperties = tenant is null ? null : new()
        {
            [AiRouter.TenantIdProperty] = tenant,
            [AiRouter.ApiKeyIdProperty] = "key-1",
            [AiRouter.JobIdProperty] = JobId.ToString(),
            [AiRouter.JobTypeProperty] = "job.type",
        },
    };

    private static AiUsageReport Report(IReadOnlyList<ChatResponseUpdate> updates) => updates.Select(u => u.GetUsageReport()).Single(r => r is not null)!;
}
