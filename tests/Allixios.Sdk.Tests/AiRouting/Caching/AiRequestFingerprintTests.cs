using System.Text.Json;
using Allixios.AiRouting;
using Allixios.AiRouting.Caching;
using Microsoft.Extensions.AI;
using Xunit;

namespace Allixios.Sdk.Tests.AiRouting.Caching;

/// <summary>What does and does not change a call's cache key and semantic partition.</summary>
public sealed class AiRequestFingerprintTests
{
    [Fact]
    public void Property_order_and_who_pays_do_not_change_the_key()
    {
        var first = Of([new(ChatRole.User, "Hi")], new ChatOptions
        {
            Temperature = 0,
            AdditionalProperties = new() { ["b"] = 2, ["a"] = "x", [AiRouter.TenantIdProperty] = "acme", [AiRouter.ApiKeyIdProperty] = "key-1", [AiRouter.JobIdProperty] = "job" },
        });
        var second = Of([new(ChatRole.User, "Hi")], new ChatOptions
        {
            Temperature = 0,
            AdditionalProperties = new() { ["a"] = "x", ["b"] = 2, [AiRouter.ApiKeyIdProperty] = "key-2" },
        });

        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(64, first.Hash.Length);
    }

    [Fact]
    public void Every_parameter_tool_format_and_message_changes_the_key()
    {
        List<ChatMessage> messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")];
        var baseline = Of(messages, new ChatOptions()).Hash;
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"title":{"type":"string"}}}""").RootElement;
        var variants = new List<AiRequestFingerprint>
        {
            Of(messages, new ChatOptions { ModelId = "gpt-4o-mini" }),
            Of(messages, new ChatOptions { Temperature = 0 }),
            Of(messages, new ChatOptions { TopP = 0.5f }),
            Of(messages, new ChatOptions { MaxOutputTokens = 10 }),
            Of(messages, new ChatOptions { Seed = 1 }),
            Of(messages, new ChatOptions { StopSequences = ["\n"] }),
            Of(messages, new ChatOptions { Instructions = "Answer in French." }),
            Of(messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Json }),
            Of(messages, new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "headline") }),
            Of(messages, new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => city, "weather")] }),
            Of(messages, new ChatOptions { AdditionalProperties = new() { ["reasoning_effort"] = "low" } }),
            Of([new(ChatRole.System, "Be witty."), new(ChatRole.User, "Hi")], null),
            Of([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi!")], null),
            Of([new(ChatRole.System, "Be brief."), new(ChatRole.Assistant, "Hi")], null),
            Of([new(ChatRole.System, "Be brief."), new(ChatRole.User, [new TextContent("Hi"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])], null),
        };

        Assert.DoesNotContain(baseline, variants.Select(v => v.Hash));
        Assert.Equal(variants.Count, variants.Select(v => v.Hash).Distinct().Count());
    }

    [Fact]
    public void The_partition_leaves_out_only_the_last_user_message_which_the_semantic_cache_compares()
    {
        var one = Of([new(ChatRole.System, "Be brief."), new(ChatRole.User, "wing heat")], null);
        var two = Of([new(ChatRole.System, "Be brief."), new(ChatRole.User, "heat wing")], null);
        var otherSystem = Of([new(ChatRole.System, "Be thorough."), new(ChatRole.User, "wing heat")], null);
        var image = Of([new(ChatRole.User, [new TextContent("wing"), new DataContent(new byte[] { 1 }, "image/png")])], null);
        var afterAssistant = Of([new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello")], null);

        Assert.NotEqual(one.Hash, two.Hash);
        Assert.Equal(one.Partition, two.Partition);
        Assert.NotEqual(one.Partition, otherSystem.Partition);
        Assert.Equal(("wing heat", "heat wing"), (one.LastUserText, two.LastUserText));
        Assert.Null(image.LastUserText);
        Assert.Null(afterAssistant.LastUserText);
    }

    private static AiRequestFingerprint Of(List<ChatMessage> messages, ChatOptions? options) => AiRequestFingerprint.Of(messages, options);
}
