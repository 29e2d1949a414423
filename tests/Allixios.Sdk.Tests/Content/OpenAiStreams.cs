using System.Text;
using System.Text.Json;

namespace Allixios.Sdk.Tests.Content;

/// <summary>Builds chat-completion streams in OpenAI's SSE wire format (as <c>WireFormats.OpenAiStream</c>) for any text.</summary>
internal static class OpenAiStreams
{
    public static string For(string text, int promptTokens, int completionTokens, string model = "gpt-4o-mini")
    {
        var sse = new StringBuilder();
        void Chunk(object? delta, string? finish, object? usage, bool noChoices = false) => sse
            .Append("data: ")
            .Append(JsonSerializer.Serialize(new
            {
                id = "chatcmpl-AllixiosTest",
                @object = "chat.completion.chunk",
                created = 1_732_600_000,
                model,
                system_fingerprint = "fp_44709d6fcb",
                choices = noChoices ? Array.Empty<object>() : [new { index = 0, delta, logprobs = (object?)null, finish_reason = finish }],
                usage,
            }))
            .Append("\n\n");

        Chunk(new { role = "assistant", content = string.Empty }, null, null);
        for (var i = 0; i < text.Length; i += 40)
        {
            Chunk(new { content = text.Substring(i, Math.Min(40, text.Length - i)) }, null, null);
        }

        Chunk(new { }, "stop", null);
        Chunk(null, null, new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens, prompt_tokens_details = new { cached_tokens = 0 } }, noChoices: true);
        sse.Append("data: [DONE]\n\n");
        return sse.ToString();
    }
}
