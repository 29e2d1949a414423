using System.Text;
using System.Text.Json;
using Allixios.AiRouting.Providers;
using Xunit;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>The hand-written reader of chat completion answers reads what the source-generated serializer reads.</summary>
public sealed class OpenAiChatAnswerJsonTests
{
    /// <summary>Answers of the usual shape, as OpenAI, Ollama and vLLM send them: read by the fast path.</summary>
    public static TheoryData<string> UsualAnswers => new()
    {
        // OpenAI, with the fields the reader does not know (skipped, as the serializer skips them).
        """{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"The image shows a wooden boardwalk.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1117,"completion_tokens":46,"total_tokens":1163,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_fc9f1d7035"}""",
        // Ollama's OpenAI-compatible endpoint.
        """{"id":"chatcmpl-627","object":"chat.completion","created":1743000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":26,"completion_tokens":8,"total_tokens":34}}""",
        // vLLM: nulls where it has nothing to say, escapes in the text, pretty-printed.
        """
        {
          "id": "cmpl-4f1e", "object": "chat.completion", "created": 1743000001, "model": "mistral-7b",
          "choices": [ { "index": 0, "message": { "role": "assistant", "content": "Line one\nLine \"two\" \u00e9\ud83d\ude00", "tool_calls": [] },
                         "logprobs": null, "finish_reason": "length", "stop_reason": null } ],
          "usage": { "prompt_tokens": 12, "total_tokens": 20, "completion_tokens": 8, "prompt_tokens_details": null },
          "prompt_logprobs": null
        }
        """,
        // Several choices, a null content, no usage, no created.
        """{"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter"},{"index":1,"message":{"role":"assistant","content":"b"},"finish_reason":null}]}""",
        // Empty and null collections, nulls everywhere they may be.
        """{"id":null,"model":null,"created":null,"choices":[],"usage":null}""",
        """{"choices":null,"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":null}}}""",
        // A stream's delta shape, and a repeated field (the last one counts, as in the serializer).
        """{"id":"first","id":"second","choices":[{"index":0,"delta":{"content":"d"},"message":null}]}""",
        // An escaped field name is compared unescaped, as the serializer compares it.
        """{"\u0069d":"escaped name"}""",
        "{}",
    };

    /// <summary>Answers the fast path leaves to the serializer: other letter case, numbers as strings, nulls for counts.</summary>
    public static TheoryData<string> UnusualAnswers => new()
    {
        """{"ID":"upper","choices":[]}""",
        """{"id":"x","Choices":[{"index":0,"message":{"role":"assistant","content":"a"}}]}""",
        """{"id":"x","created":"1743000000"}""",
        """{"id":"x","usage":{"prompt_tokens":"5","completion_tokens":1,"total_tokens":6}}""",
        """{"id":"x","choices":[null]}""",
        """{"id":"x","choices":[{"index":0,"message":{"role":"assistant","Content":"a"}}]}""",
    };

    /// <summary>Bodies that are not a chat completion: both refuse them.</summary>
    public static TheoryData<string> BadAnswers => new()
    {
        """{"id":"x","choices":[{"index":null}]}""",
        """{"id":"x","usage":{"prompt_tokens":null}}""",
        """{"id":"x","choices":{}}""",
        """{"id":5}""",
        """{"id":"x",}""",
        """{"id":"x"} trailing""",
        """{"id":"x" /* comment */}""",
        """{"id":"x","choices":[{"index":0,"message":{"content":["parts"]}}]}""",
        """{"id":"x","usage":{"prompt_tokens":1.5}}""",
        """{"id":"x""",
        "[]",
        "",
    };

    [Theory]
    [MemberData(nameof(UsualAnswers))]
    public void Usual_answers_are_read_by_the_fast_path_exactly_as_the_serializer_reads_them(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);

        Assert.True(OpenAiChatAnswerJson.TryRead(utf8, out var fast));
        Assert.Equal(Serialized(JsonSerializer.Deserialize(utf8, OpenAiWireJson.Default.ChatResponse)), Serialized(fast));
        Assert.Equal(Serialized(fast), Serialized(OpenAiChatAnswerJson.Read(utf8)));
    }

    [Theory]
    [MemberData(nameof(UnusualAnswers))]
    public void Unusual_answers_go_to_the_serializer_and_read_as_they_always_did(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);

        Assert.False(OpenAiChatAnswerJson.TryRead(utf8, out _));
        Assert.Equal(Serialized(JsonSerializer.Deserialize(utf8, OpenAiWireJson.Default.ChatResponse)), Serialized(OpenAiChatAnswerJson.Read(utf8)));
    }

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public void Bodies_that_are_not_an_answer_are_refused_with_the_serializers_error(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);

        Assert.False(OpenAiChatAnswerJson.TryRead(utf8, out _));
        var expected = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(utf8, OpenAiWireJson.Default.ChatResponse));
        var actual = Assert.ThrowsAny<JsonException>(() => OpenAiChatAnswerJson.Read(utf8));
        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public void A_json_null_body_reads_as_no_answer()
    {
        Assert.Null(OpenAiChatAnswerJson.Read("null"u8));
    }

    private static string Serialized(OpenAiWire.ChatResponse? answer) => JsonSerializer.Serialize(answer, OpenAiWireJson.Default.ChatResponse!);
}
