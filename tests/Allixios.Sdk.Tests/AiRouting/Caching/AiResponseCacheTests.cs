using Allixios.AiRouting;
using Allixios.AiRouting.Caching;
using Allixios.Sdk.Tests.Search;
using Allixios.Usage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.Sdk.Tests.AiRouting.Caching;

/// <summary>
/// The exact and semantic response cache in front of the router, as <c>AddAiResponseCache</c> builds it, over an
/// OpenAI-compatible WireMock upstream in OpenAI's wire format. The semantic cache embeds with a word-count embedder, so
/// similarities are known exactly: "wing heat" and "heat wing" score 1, "wing heat" and "wing flow" about 0.5.
/// </summary>
public sealed class AiResponseCacheTests : IDisposable
{
    private readonly WireMockServer _openAi = WireMockServer.Start();
    private readonly ServiceProvider _services;
    private readonly AiCachingChatClient _client;
    private readonly IUsageLedger _ledger;

    public AiResponseCacheTests()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").WithBody(b => b!.Contains("\"stream\":true", StringComparison.Ordinal)).UsingPost())
            .AtPriority(1).RespondWith(Sse(OpenAiStream));
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).AtPriority(2).RespondWith(Json(OpenAiCompletion));
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new WordCountEmbedder());
        services.AddAllixios()
            .AddAiRouting(o =>
            {
                o.OpenAi("openai", _openAi);
                o.Deploy("openai-gpt-4o-mini", "openai", "gpt-4o-mini");
                o.MaxRetries = 0;
            })
            .AddAiResponseCache(o => o.SemanticThreshold = 0.9);
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<AiCachingChatClient>();
        _ledger = _services.GetRequiredService<IUsageLedger>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _openAi.Stop();
    }

    [Fact]
    public async Task An_exact_hit_skips_the_provider_costs_nothing_and_is_recorded_as_a_cache_hit()
    {
        var budgets = _services.GetRequiredService<BudgetClient>();
        var budget = await budgets.CreateAsync("acme", new NewBudget(BudgetPeriod.Day, "USD", 1m));

        var first = await _client.GetResponseAsync(Ask("Write a headline"), Options("acme", "exact"));
        var second = await _client.GetResponseAsync(Ask("Write a headline"), Options("acme", "exact"));

        Assert.Equal(1, Calls);
        Assert.Equal("Hello from OpenAI", second.Text);
        Assert.Equal(first.FinishReason, second.FinishReason);
        Assert.Null(first.AdditionalProperties?.GetValueOrDefault(AiCacheHit.PropertyName));
        var hit = Assert.IsType<AiCacheHit>(second.AdditionalProperties![AiCacheHit.PropertyName]);
        Assert.Equal(AiCacheMode.Exact, hit.Kind);
        var report = second.GetUsageReport()!;
        Assert.Equal((AiCachingChatClient.CacheProviderName, "gpt-4o-mini", 0m, 0L, 0L), (report.ProviderName, report.Model, report.Cost, report.InputTokens, report.OutputTokens));
        var after = await budgets.GetAsync("acme", budget.Id);
        Assert.Equal((first.GetUsageReport()!.Cost, 0m), (after.Spent, after.Reserved));
        var entries = await _ledger.ListAsync(new UsageQuery("acme"));
        Assert.Equal(2, entries.Count);
        var cached = Assert.Single(entries, e => e.Provider == AiCachingChatClient.CacheProviderName);
        Assert.Equal((UsageOutcome.Succeeded, 0m, "gpt-4o-mini", "key-1"), (cached.Outcome, cached.Cost, cached.Model, cached.ApiKeyId));
        var stats = _client.GetStats("acme");
        Assert.Equal((1L, 1L, 1L), (stats.ExactHits, stats.ExactMisses, stats.Stores));
    }

    [Fact]
    public async Task The_exact_cache_is_isolated_per_tenant()
    {
        await _client.GetResponseAsync(Ask("Write a headline"), Options("acme", "exact"));
        var other = await _client.GetResponseAsync(Ask("Write a headline"), Options("globex", "exact"));

        Assert.Equal(2, Calls);
        Assert.Null(other.AdditionalProperties?.GetValueOrDefault(AiCacheHit.PropertyName));
        Assert.Equal(0, _client.GetStats("globex").ExactHits);
    }

    [Fact]
    public async Task Any_change_to_the_model_parameters_system_prompt_or_messages_is_a_miss()
    {
        await _client.GetResponseAsync(Ask("Write a headline", system: "Be brief."), Options("acme", "exact"));
        await _client.GetResponseAsync(Ask("Write a headline", system: "Be brief."), Options("acme", "exact"));
        Assert.Equal(1, Calls);

        await _client.GetResponseAsync(Ask("Write a headline", system: "Be witty."), Options("acme", "exact"));
        await _client.GetResponseAsync(Ask("Write a headline!", system: "Be brief."), Options("acme", "exact"));
        var longer = Options("acme", "exact");
        longer.MaxOutputTokens = 50;
        await _client.GetResponseAsync(Ask("Write a headline", system: "Be brief."), longer);
        var json = Options("acme", "exact");
        json.ResponseFormat = ChatResponseFormat.Json;
        await _client.GetResponseAsync(Ask("Write a headline", system: "Be brief."), json);

        Assert.Equal(5, Calls);
    }

    [Fact]
    public async Task A_configured_mode_caches_only_deterministic_calls_unless_the_call_opts_in()
    {
        await using var provider = Build(o => o.Mode = AiCacheMode.Exact, out var client);

        await client.GetResponseAsync(Ask("Sampled"), new ChatOptions { Temperature = 0.7f });
        await client.GetResponseAsync(Ask("Sampled"), new ChatOptions { Temperature = 0.7f });
        await client.GetResponseAsync(Ask("Default temperature"));
        await client.GetResponseAsync(Ask("Default temperature"));
        Assert.Equal(4, Calls);

        await client.GetResponseAsync(Ask("Greedy"), new ChatOptions { Temperature = 0 });
        await client.GetResponseAsync(Ask("Greedy"), new ChatOptions { Temperature = 0 });
        Assert.Equal(5, Calls);

        var optIn = new ChatOptions { Temperature = 0.7f, AdditionalProperties = new() { [AiCachingChatClient.CacheModeProperty] = AiCacheMode.Exact } };
        await client.GetResponseAsync(Ask("Sampled, opted in"), optIn);
        await client.GetResponseAsync(Ask("Sampled, opted in"), optIn);
        Assert.Equal(6, Calls);
        var stats = client.GetStats(null);
        Assert.Equal((4L, 2L), (stats.Skipped, stats.ExactHits));
    }

    [Fact]
    public async Task A_tenant_mode_overrides_the_default_and_a_call_can_turn_the_cache_off()
    {
        await using var provider = Build(o => o.TenantModes["acme"] = AiCacheMode.Exact, out var client);

        await client.GetResponseAsync(Ask("Hi"), Options("acme", mode: null));
        await client.GetResponseAsync(Ask("Hi"), Options("acme", mode: null));
        await client.GetResponseAsync(Ask("Hi"), Options("globex", mode: null));
        await client.GetResponseAsync(Ask("Hi"), Options("globex", mode: null));
        await client.GetResponseAsync(Ask("Hi"), Options("acme", "off"));

        Assert.Equal(4, Calls);
    }

    [Fact]
    public async Task A_streamed_call_is_stored_and_a_later_one_replays_it_as_a_stream_without_the_provider()
    {
        var first = await ProviderWireFormatTests.Collect(_client.GetStreamingResponseAsync(Ask("Stream it"), Options("acme", "exact")));
        var replay = await ProviderWireFormatTests.Collect(_client.GetStreamingResponseAsync(Ask("Stream it"), Options("acme", "exact")));
        var unary = await _client.GetResponseAsync(Ask("Stream it"), Options("acme", "exact"));

        Assert.Equal(1, Calls);
        Assert.Equal("Hello stream", string.Concat(first.Select(u => u.Text)));
        Assert.Equal("Hello stream", string.Concat(replay.Select(u => u.Text)));
        Assert.Equal("Hello stream", unary.Text);
        Assert.Equal(ChatFinishReason.Stop, replay.Select(u => u.FinishReason).Single(f => f is not null));
        var report = Assert.Single(replay, u => u.GetUsageReport() is not null).GetUsageReport()!;
        Assert.Same(replay[^1], replay.Single(u => u.GetUsageReport() is not null));
        Assert.Equal((AiCachingChatClient.CacheProviderName, 0m), (report.ProviderName, report.Cost));
        Assert.IsType<AiCacheHit>(replay[^1].AdditionalProperties![AiCacheHit.PropertyName]);
    }

    [Fact]
    public async Task A_stream_the_caller_abandons_is_not_stored()
    {
        await foreach (var update in _client.GetStreamingResponseAsync(Ask("Stream it"), Options("acme", "exact")))
        {
            if (update.Text.Length > 0)
            {
                break;
            }
        }

        await _client.GetResponseAsync(Ask("Stream it"), Options("acme", "exact"));

        Assert.Equal(2, Calls);
    }

    [Fact]
    public async Task A_semantic_hit_answers_a_near_question_above_the_threshold_and_a_far_one_misses()
    {
        await _client.GetResponseAsync(Ask("wing heat"), Options("acme", "semantic"));

        var near = await _client.GetResponseAsync(Ask("heat wing"), Options("acme", "semantic"));
        var far = await _client.GetResponseAsync(Ask("wing flow"), Options("acme", "semantic"));

        Assert.Equal(2, Calls);
        var hit = Assert.IsType<AiCacheHit>(near.AdditionalProperties![AiCacheHit.PropertyName]);
        Assert.Equal(AiCacheMode.Semantic, hit.Kind);
        Assert.Equal(1.0, hit.Similarity, 3);
        Assert.Equal("Hello from OpenAI", near.Text);
        Assert.Null(far.AdditionalProperties?.GetValueOrDefault(AiCacheHit.PropertyName));
        var stats = _client.GetStats("acme");
        Assert.Equal((1L, 2L), (stats.SemanticHits, stats.SemanticMisses));
    }

    [Fact]
    public async Task The_semantic_cache_is_isolated_per_tenant_system_prompt_parameters_and_earlier_messages()
    {
        await _client.GetResponseAsync(Ask("wing heat", system: "Be brief."), Options("acme", "semantic"));

        await _client.GetResponseAsync(Ask("heat wing", system: "Be brief."), Options("globex", "semantic"));
        await _client.GetResponseAsync(Ask("heat wing", system: "Be thorough."), Options("acme", "semantic"));
        var hotter = Options("acme", "semantic");
        hotter.MaxOutputTokens = 20;
        await _client.GetResponseAsync(Ask("heat wing", system: "Be brief."), hotter);
        List<ChatMessage> conversation = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "shock"), new(ChatRole.Assistant, "Shock."), new(ChatRole.User, "heat wing")];
        await _client.GetResponseAsync(conversation, Options("acme", "semantic"));
        Assert.Equal(5, Calls);

        await _client.GetResponseAsync(Ask("heat wing", system: "Be brief."), Options("acme", "semantic"));
        Assert.Equal(5, Calls);
    }

    [Fact]
    public async Task A_reported_false_hit_is_counted_and_its_entry_is_not_served_again()
    {
        await _client.GetResponseAsync(Ask("wing heat"), Options("acme", "semantic"));
        var near = await _client.GetResponseAsync(Ask("heat wing"), Options("acme", "semantic"));
        var hit = (AiCacheHit)near.AdditionalProperties![AiCacheHit.PropertyName]!;

        Assert.False(await _client.ReportFalseHitAsync("globex", hit.EntryId));
        Assert.True(await _client.ReportFalseHitAsync("acme", hit.EntryId));
        Assert.False(await _client.ReportFalseHitAsync("acme", hit.EntryId));
        await _client.GetResponseAsync(Ask("heat wing"), Options("acme", "semantic"));

        Assert.Equal(2, Calls);
        var stats = _client.GetStats("acme");
        Assert.Equal((1L, 1L, 1.0), (stats.SemanticHits, stats.SemanticFalseHits, stats.SemanticFalseHitRate));
        Assert.Equal(0, _client.GetStats("globex").SemanticFalseHits);
    }

    [Fact]
    public async Task A_failing_embedder_makes_a_semantic_miss_never_a_failed_call()
    {
        var embedder = (WordCountEmbedder)_services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        embedder.FailWith = new InvalidOperationException("The embedder is down.");

        var first = await _client.GetResponseAsync(Ask("wing heat"), Options("acme", "semantic"));
        var second = await _client.GetResponseAsync(Ask("wing heat"), Options("acme", "semantic"));

        Assert.Equal("Hello from OpenAI", first.Text);
        Assert.Equal(AiCacheMode.Exact, Assert.IsType<AiCacheHit>(second.AdditionalProperties![AiCacheHit.PropertyName]).Kind);
        Assert.Equal(1, Calls);
        Assert.Equal(1, _client.GetStats("acme").SemanticMisses);
    }

    [Fact]
    public async Task Bad_cache_modes_and_entry_ids_are_refused_with_what_to_fix()
    {
        var mode = await Assert.ThrowsAsync<AllixiosException>(() => _client.GetResponseAsync(Ask("Hi"), Options("acme", "fuzzy")));
        var number = await Assert.ThrowsAsync<AllixiosException>(() => _client.GetResponseAsync(Ask("Hi"), Options("acme", "2")));
        var entry = await Assert.ThrowsAsync<AllixiosException>(() => _client.ReportFalseHitAsync("acme", "e.not-a-hash").AsTask());

        Assert.Equal(("invalid_cache_mode", AllixiosErrorKind.InvalidArgument), (mode.Reason, mode.Kind));
        Assert.Equal("invalid_cache_mode", number.Reason);
        Assert.Contains("off, exact or semantic", mode.Message, StringComparison.Ordinal);
        Assert.Equal("invalid_cache_entry_id", entry.Reason);
        Assert.Equal(0, Calls);
    }

    [Fact]
    public void Bad_options_fail_at_start_naming_the_setting()
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddAiResponseCache(o => o.SemanticThreshold = 0.2);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<AiResponseCacheOptions>>().Value);
        Assert.Contains("SemanticThreshold", error.Message, StringComparison.Ordinal);
    }

    private int Calls => _openAi.LogEntries.Count;

    private ServiceProvider Build(Action<AiResponseCacheOptions> configure, out AiCachingChatClient client)
    {
        var services = new ServiceCollection();
        services.AddAllixios()
            .AddAiRouting(o =>
            {
                o.OpenAi("openai", _openAi);
                o.Deploy("openai-gpt-4o-mini", "openai", "gpt-4o-mini");
                o.MaxRetries = 0;
            })
            .AddAiResponseCache(configure);
        var provider = services.BuildServiceProvider();
        client = provider.GetRequiredService<AiCachingChatClient>();
        return provider;
    }

    private static List<ChatMessage> Ask(string question, string? system = null) =>
        system is null ? [new(ChatRole.User, question)] : [new(ChatRole.System, system), new(ChatRole.User, question)];

    private static ChatOptions Options(string tenant, string? mode)
    {
        var options = new ChatOptions
        {
            ModelId = "gpt-4o-mini",
            Temperature = 0,
            AdditionalProperties = new() { [AiRouter.TenantIdProperty] = tenant, [AiRouter.ApiKeyIdProperty] = "key-1" },
        };
        if (mode is not null)
        {
            options.AdditionalProperties[AiCachingChatClient.CacheModeProperty] = mode;
        }

        return options;
    }
}
