using Allixios.AiRouting;
using Allixios.Usage;
using Microsoft.Extensions.AI;
using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>
/// The must-show budget scenario, written once and run against each budget store and ledger (in memory here, on
/// PostgreSQL in the integration tests, which compile this file in): 50 concurrent streamed calls against a budget
/// that holds about ten of them. Spend never exceeds the limit by more than one call's maximum cost, nothing stays
/// reserved, and the ledger equals the sum of the streams' usage, with one entry per call.
/// </summary>
internal static class ConcurrentBudgetedStreams
{
    public const string ApiKeyId = "key-1";

    public static readonly Guid JobId = Guid.Parse("01938a6e-0000-7000-8000-000000000001");

    // Long enough that the prompt estimate (about 55 tokens) exceeds the 9 prompt tokens the recorded stream reports,
    // so each call's actual cost stays within the maximum it reserves.
    public static readonly string Prompt = "Write a headline for an article about " + new string('x', 180);

    /// <summary>Runs the scenario; <paramref name="openAi"/> is a fresh upstream behind <paramref name="router"/>'s gpt-4o-mini deployment.</summary>
    public static async Task RunAsync(WireMockServer openAi, AiRouter router, BudgetClient budgets, IUsageLedger ledger, string tenant)
    {
        openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStream));
        // An untenanted call is neither budgeted nor recorded; it tells what one call reserves.
        var probe = Report(await CollectAsync(router.GetStreamingResponseAsync(Prompt, Gpt(tenant: null))));
        Assert.True(probe.Cost > 0 && probe.Cost <= probe.MaximumCost);
        var limit = probe.MaximumCost * 10;
        var budget = await budgets.CreateAsync(tenant, new NewBudget(BudgetPeriod.Day, "USD", limit));

        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (Report: Report(await CollectAsync(router.GetStreamingResponseAsync(Prompt, Gpt(tenant)))), Refused: false);
            }
            catch (BudgetExceededException ex)
            {
                Assert.Equal(AllixiosErrorKind.ResourceExhausted, ex.Kind);
                Assert.Equal(budget.Id, ex.Refusal.BudgetId);
                return (Report: (AiUsageReport?)null, Refused: true);
            }
        })).ToArray();
        var results = await Task.WhenAll(calls);

        var answered = results.Where(r => !r.Refused).Select(r => r.Report!).ToList();
        var refused = results.Count(r => r.Refused);
        var after = await budgets.GetAsync(tenant, budget.Id);
        // 50 calls' actual cost is about 15 of the reserved maximums, so some must be refused.
        Assert.True(refused > 0, "The budget holds fewer than 50 calls, so some must be refused.");
        Assert.True(answered.Count >= 10, $"Ten calls fit even at their maximum cost, yet only {answered.Count} were answered.");
        Assert.True(after.Spent <= limit + probe.MaximumCost, $"Spent {after.Spent} exceeds the limit {limit} by more than one call's maximum {probe.MaximumCost}.");
        Assert.Equal(0m, after.Reserved);
        Assert.Equal(answered.Sum(r => BudgetClient.Round(r.Cost)), after.Spent);

        var entries = await ledger.ListAsync(new UsageQuery(tenant) { Limit = 1000 });
        Assert.Equal(50, entries.Count);
        Assert.Equal(answered.Sum(r => BudgetClient.Round(r.Cost)), entries.Sum(e => e.Cost));
        Assert.Equal(refused, entries.Count(e => e.Outcome == UsageOutcome.Refused && e.Cost == 0 && e.Model is null));
        Assert.All(entries.Where(e => e.Outcome == UsageOutcome.Succeeded), e =>
        {
            Assert.Equal(("gpt-4o-mini", "openai", 9L, 2L, ApiKeyId), (e.Model, e.Provider, e.InputTokens, e.OutputTokens, e.ApiKeyId));
            Assert.Equal(BudgetClient.Round(probe.Cost), e.Cost);
        });
        Assert.Equal(answered.Count + 1, openAi.LogEntries.Count);
    }

    public static ChatOptions Gpt(string? tenant) => new()
    {
        ModelId = "gpt-4o-mini",
        AdditionalProperties = tenant is null ? null : new()
        {
            [AiRouter.TenantIdProperty] = tenant,
            [AiRouter.ApiKeyIdProperty] = ApiKeyId,
            [AiRouter.JobIdProperty] = JobId.ToString(),
            [AiRouter.JobTypeProperty] = "job.type",
        },
    };

    public static AiUsageReport Report(IReadOnlyList<ChatResponseUpdate> updates) => updates.Select(u => u.GetUsageReport()).Single(r => r is not null)!;

    private static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}
