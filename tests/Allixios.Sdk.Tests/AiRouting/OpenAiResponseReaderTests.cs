using System.Text;
using System.Text.Json;
using Allixios.AiRouting.Providers;
using Xunit;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>The one-pass reader of chat-completions bodies reads every body exactly as the serializer does, and refuses what it refuses.</summary>
public sealed class OpenAiResponseReaderTests
{
    public static TheoryData<string> Bodies => new()
    {
        WireFormats.OpenAiCompletion,
        """{"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Olá, \u00e9 \"isto\"\n","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":96,"completion_tokens":131,"total_tokens":227,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},"service_tier":"default","system_fingerprint":"fp_1"}""",
        """{"choices":[{"message":{"content":"a"}},{"index":1,"delta":{"role":"assistant"},"finish_reason":null}],"usage":null}""",
        """{"id":null,"model":null,"created":null,"choices":null,"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":null}}""",
        """{"ID":"upper","Model":"m","CREATED":5,"Choices":[{"Index":0,"Message":{"Content":"case"}}]}""",
        """{"id":"a","created":"1741569952","usage":{"prompt_tokens":"7","completion_tokens":1,"total_tokens":8}}""",
        """{"\u0069d":"escaped name","model":"m"}""",
        """{"id":"first","id":"second","choices":[],"choices":[{"message":{"content":"last wins"}}]}""",
        """{"usage":{"prompt_tokens_details":{"cached_tokens":5}},"extra":{"deep":[1,[2,{"x":null}]],"more":true}}""",
        """{"ſervice":"long s","usaKe":1}""",
        """  {"id":"spaces"}  """,
        "{}",
        "null",
    };

    public static TheoryData<string> Malformed => new()
    {
        "",
        "[]",
        "\"text\"",
        """{"id":5}""",
        """{"choices":{}}""",
        """{"choices":[{"index":1.5}]}""",
        """{"usage":{"prompt_tokens":null}}""",
        """{"id":"a"} trailing""",
        """{"id":"unterminated""",
        """{"choices":[{"message":"text"}]}""",
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void A_body_reads_to_what_the_serializer_reads(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var expected = JsonSerializer.Deserialize(bytes, OpenAiWireJson.Default.ChatResponse);

        var read = OpenAiResponseReader.Read(bytes);

        Assert.Equal(Serialize(expected), Serialize(read));
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_body_the_serializer_refuses_is_refused(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(bytes, OpenAiWireJson.Default.ChatResponse));

        Assert.ThrowsAny<JsonException>(() => OpenAiResponseReader.Read(bytes));
    }

    private static string Serialize(OpenAiWire.ChatResponse? response) =>
        response is null ? "null" : JsonSerializer.Serialize(response, OpenAiWireJson.Default.ChatResponse);
}
