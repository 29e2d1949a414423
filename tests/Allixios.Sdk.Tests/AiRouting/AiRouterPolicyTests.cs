using Allixios.AiRouting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>
/// The routing policies over four models with known prices, quality and context windows (prices per token, input +
/// output): small 3e-7 (quality 40), medium 1.5e-6 (70), long-context 2e-6 (60, 1M tokens), large 1.8e-5 (90).
/// </summary>
public sealed class AiRouterPolicyTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly Dictionary<string, FakeChatClient> _clients = new(StringComparer.Ordinal);

    [Fact]
    public async Task Cheapest_picks_the_cheapest_model_that_meets_the_quality_floor()
    {
        Assert.Equal("d-small", await AnswerAsync(Router()));
        Assert.Equal("d-medium", await AnswerAsync(Router(o => o.DefaultPolicy.QualityFloor = 65)));
        Assert.Equal("d-large", await AnswerAsync(Router(o => o.DefaultPolicy.QualityFloor = 85)));
    }

    [Fact]
    public async Task Quality_first_picks_the_best_model()
    {
        Assert.Equal("d-large", await AnswerAsync(Router(o => o.DefaultPolicy.Strategy = AiRoutingStrategy.QualityFirst)));
    }

    [Fact]
    public async Task A_prompt_too_long_for_most_windows_goes_to_the_model_whose_window_fits_it()
    {
        var router = Router();
        var longPrompt = new string('x', 4 * 200_000);

        Assert.Equal("d-long", await AnswerAsync(router, longPrompt));
    }

    [Fact]
    public async Task Lowest_latency_measures_every_deployment_then_keeps_to_the_fastest()
    {
        var router = Router(o => o.DefaultPolicy.Strategy = AiRoutingStrategy.LowestLatency);
        _clients["d-small"].Latency = TimeSpan.FromMilliseconds(300);
        _clients["d-medium"].Latency = TimeSpan.FromMilliseconds(50);
        _clients["d-long"].Latency = TimeSpan.FromMilliseconds(400);
        _clients["d-large"].Latency = TimeSpan.FromMilliseconds(200);

        var answers = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await AnswerAsync(router));
        }

        // Unmeasured deployments go first (in price order), then the fastest keeps the traffic.
        Assert.Equal(["d-small", "d-medium", "d-long", "d-large", "d-medium", "d-medium", "d-medium", "d-medium"], answers);
    }

    [Fact]
    public void Weighted_draws_deployments_in_proportion_to_their_weights()
    {
        var router = Router(
            o => o.DefaultPolicy.Strategy = AiRoutingStrategy.Weighted,
            weights: new Dictionary<string, int> { ["d-small"] = 3, ["d-medium"] = 1, ["d-long"] = 0, ["d-large"] = 0 });
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var ranked = new int[4];
        for (var i = 0; i < 4000; i++)
        {
            var count = router.Decide([new ChatMessage(ChatRole.User, "Hi")], null, ranked, out _);
            Assert.Equal(4, count);
            var id = router.Catalog.Deployments[ranked[0]].Id;
            first[id] = first.GetValueOrDefault(id) + 1;
        }

        Assert.Equal(["d-medium", "d-small"], first.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(first["d-small"] / 4000.0, 0.70, 0.80);
    }

    [Fact]
    public async Task An_explicit_model_is_used_and_falls_back_to_the_listed_models_in_order()
    {
        var router = Router(o =>
        {
            o.DefaultPolicy.Fallbacks.Add("medium");
            o.DefaultPolicy.Fallbacks.Add("small");
        });
        Assert.Equal("d-large", await AnswerAsync(router, model: "large"));

        _clients["d-large"].Failure = new AiProviderException(AiFailureKind.Unavailable, "p", "down");
        _clients["d-medium"].Failure = new AiProviderException(AiFailureKind.RateLimited, "p", "slow down");
        var response = await router.GetResponseAsync("Hi", new ChatOptions { ModelId = "large" });

        Assert.Equal("d-small", response.Text);
        Assert.Equal(3, response.GetUsageReport()!.Attempts);
        Assert.Equal("large", _clients["d-large"].LastOptions!.ModelId);
    }

    [Fact]
    public async Task A_request_may_name_a_deployment_by_its_id()
    {
        Assert.Equal("d-medium", await AnswerAsync(Router(), model: "d-medium"));
    }

    [Fact]
    public async Task A_tenant_policy_overrides_the_default_for_that_tenant_only()
    {
        var router = Router(o => o.TenantPolicies["tenant-premium"] = new AiRoutingPolicy { Strategy = AiRoutingStrategy.QualityFirst });

        var premium = await router.GetResponseAsync("Hi", new ChatOptions { AdditionalProperties = new() { [AiRouter.TenantIdProperty] = "tenant-premium" } });
        var other = await router.GetResponseAsync("Hi", new ChatOptions { AdditionalProperties = new() { [AiRouter.TenantIdProperty] = "tenant-basic" } });

        Assert.Equal("d-large", premium.Text);
        Assert.Equal("d-small", other.Text);
    }

    [Fact]
    public async Task Every_call_carries_an_output_bound_and_is_priced_at_the_answering_model()
    {
        var router = Router(o => o.DefaultMaxOutputTokens = 300);

        var response = await router.GetResponseAsync("Hi");

        var report = response.GetUsageReport()!;
        Assert.Equal(300, _clients["d-small"].LastOptions!.MaxOutputTokens);
        Assert.Equal((10 * 1e-7m) + (5 * 2e-7m), report.Cost);
        Assert.Equal((9 * 1e-7m) + (300 * 2e-7m), report.MaximumCost);
    }

    [Fact]
    public async Task A_policy_can_require_capabilities_the_request_does_not_name()
    {
        var router = Router(o => o.DefaultPolicy.RequiredCapabilities = AiCapabilities.JsonMode);

        Assert.Equal("d-medium", await AnswerAsync(router));
    }

    [Fact]
    public void The_decision_allocates_nothing()
    {
        var router = Router(o => o.DefaultPolicy.QualityFloor = 50);
        IList<ChatMessage> messages = [new ChatMessage(ChatRole.User, "Write a headline about routing")];
        var options = new ChatOptions { MaxOutputTokens = 200 };
        var ranked = new int[4];
        router.Decide(messages, options, ranked, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            router.Decide(messages, options, ranked, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Every_setting_of_the_callers_options_reaches_the_deployment_with_its_model_and_output_limit()
    {
        var router = Router();
        var options = new ChatOptions
        {
            ModelId = "medium",
            MaxOutputTokens = 300,
            AdditionalProperties = new() { ["custom"] = "value" },
            AllowBackgroundResponses = true,
            AllowMultipleToolCalls = true,
            ContinuationToken = ResponseContinuationToken.FromBytes(new byte[] { 1, 2, 3 }),
            ConversationId = "conversation-1",
            FrequencyPenalty = 0.5f,
            Instructions = "Be brief.",
            PresencePenalty = 0.25f,
            RawRepresentationFactory = _ => new object(),
            Reasoning = new ReasoningOptions(),
            ResponseFormat = ChatResponseFormat.Json,
            Seed = 42,
            StopSequences = ["END"],
            Temperature = 0.3f,
            ToolMode = ChatToolMode.Auto,
            // Empty: the providers here send no tools, so the router refuses calls that bring some.
            Tools = [],
            TopK = 7,
            TopP = 0.9f,
        };

        await router.GetResponseAsync("Hi", options);

        var sent = _clients["d-medium"].LastOptions!;
        Assert.Equal("medium", sent.ModelId);
        Assert.Equal(300, sent.MaxOutputTokens);
        foreach (var property in typeof(ChatOptions).GetProperties().Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var given = property.GetValue(options);
            // A ChatOptions property this test does not set is one the router may not carry over: set it above, then
            // make sure AiRouter.ForDeployment copies it.
            Assert.True(given is not null, $"ChatOptions.{property.Name} is new: set it in this test and carry it over in AiRouter.ForDeployment.");
            if (property.Name is not (nameof(ChatOptions.ModelId) or nameof(ChatOptions.MaxOutputTokens)))
            {
                Assert.True(Equals(given, property.GetValue(sent)), $"ChatOptions.{property.Name} did not reach the deployment.");
            }
        }

        Assert.NotSame(options, sent);
    }

    internal AiRouter Router(Action<AiRoutingOptions>? configure = null, Dictionary<string, int>? weights = null)
    {
        var options = new AiRoutingOptions { UseDefaultPriceTable = false };
        options.Providers["p"] = new AiProviderOptions { BaseAddress = new Uri("http://127.0.0.1:9/v1/") };
        options.Models["small"] = new AiModelOverride { ContextWindow = 128_000, MaxOutputTokens = 4096, InputCostPerToken = 1e-7m, OutputCostPerToken = 2e-7m, QualityPrior = 40 };
        options.Models["medium"] = new AiModelOverride { ContextWindow = 128_000, MaxOutputTokens = 4096, InputCostPerToken = 5e-7m, OutputCostPerToken = 1e-6m, QualityPrior = 70, Capabilities = AiCapabilities.Chat | AiCapabilities.JsonMode };
        options.Models["long"] = new AiModelOverride { ContextWindow = 1_000_000, MaxOutputTokens = 4096, InputCostPerToken = 4e-7m, OutputCostPerToken = 1.6e-6m, QualityPrior = 60 };
        options.Models["large"] = new AiModelOverride { ContextWindow = 128_000, MaxOutputTokens = 4096, InputCostPerToken = 3e-6m, OutputCostPerToken = 1.5e-5m, QualityPrior = 90, Capabilities = AiCapabilities.Chat | AiCapabilities.JsonMode };
        foreach (var (id, model) in new[] { ("d-small", "small"), ("d-medium", "medium"), ("d-long", "long"), ("d-large", "large") })
        {
            options.Deployments.Add(new AiDeploymentOptions { Id = id, Provider = "p", Model = model, Weight = weights?.GetValueOrDefault(id) ?? 1 });
        }

        configure?.Invoke(options);
        foreach (var deployment in options.Deployments)
        {
            _clients[deployment.Id] = new FakeChatClient(deployment.Id, _time);
        }

        return new AiRouter(new AiModelCatalog(options), options, d => _clients[d.Id], _ => null, _time);
    }

    private static async Task<string> AnswerAsync(AiRouter router, string prompt = "Hi", string? model = null) =>
        (await router.GetResponseAsync(prompt, new ChatOptions { ModelId = model })).Text;
}
