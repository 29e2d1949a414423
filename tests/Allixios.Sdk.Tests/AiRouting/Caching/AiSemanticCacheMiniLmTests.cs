using Allixios.AiRouting;
using Allixios.AiRouting.Caching;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.Sdk.Tests.AiRouting.Caching;

/// <summary>The semantic cache with the embedder an app gets by default: no generator registered, so the local MiniLM model.</summary>
public sealed class AiSemanticCacheMiniLmTests : IDisposable
{
    private readonly WireMockServer _openAi = WireMockServer.Start();
    private readonly ServiceProvider _services;

    public AiSemanticCacheMiniLmTests()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiCompletion));
        var services = new ServiceCollection();
        services.AddAllixios()
            .AddAiRouting(o =>
            {
                o.OpenAi("openai", _openAi);
                o.Deploy("openai-gpt-4o-mini", "openai", "gpt-4o-mini");
                o.MaxRetries = 0;
            })
            .AddAiResponseCache(o =>
            {
                o.Mode = AiCacheMode.Semantic;
                o.SemanticThreshold = 0.9;
            });
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _openAi.Stop();
    }

    [Fact]
    public async Task A_paraphrase_is_answered_from_the_cache_and_a_different_question_is_not()
    {
        var client = _services.GetRequiredService<AiCachingChatClient>();
        var options = new ChatOptions { Temperature = 0, AdditionalProperties = new() { [AiRouter.TenantIdProperty] = "acme" } };

        await client.GetResponseAsync("How do I reset my password?", options);
        var paraphrase = await client.GetResponseAsync("How can I reset my password?", options);
        var different = await client.GetResponseAsync("What is the capital of France?", options);

        var hit = Assert.IsType<AiCacheHit>(paraphrase.AdditionalProperties![AiCacheHit.PropertyName]);
        Assert.Equal(AiCacheMode.Semantic, hit.Kind);
        Assert.InRange(hit.Similarity, 0.9, 1.0);
        Assert.Null(different.AdditionalProperties?.GetValueOrDefault(AiCacheHit.PropertyName));
        Assert.Equal(2, _openAi.LogEntries.Count);
    }
}
