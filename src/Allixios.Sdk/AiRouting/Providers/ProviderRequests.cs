using Microsoft.Extensions.AI;

namespace Allixios.AiRouting.Providers;

/// <summary>Checks shared by the provider clients: what Allixios passes through to a provider today, with errors that say what to change.</summary>
internal static class ProviderRequests
{
    public static string Model(ChatOptions? options, string? defaultModel) =>
        options?.ModelId is { Length: > 0 } model ? model
        : defaultModel ?? throw AllixiosException.Invalid("model_required", "The chat options name no ModelId and the client has no default model; set ChatOptions.ModelId.");

    public static void EnsureSupported(ChatOptions? options)
    {
        if (options?.Tools is { Count: > 0 })
        {
            throw AllixiosException.Invalid("tools_not_supported", "Tool calling is not passed through to providers yet; send the request without ChatOptions.Tools.");
        }

        if (options?.MaxOutputTokens is <= 0)
        {
            throw AllixiosException.Invalid("invalid_max_output_tokens", $"MaxOutputTokens is {options.MaxOutputTokens}; it must be at least 1.");
        }
    }

    /// <summary>The message's text; only text content travels to providers today, so anything else is refused rather than dropped.</summary>
    public static string Text(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is not TextContent)
            {
                throw AllixiosException.Invalid(
                    "unsupported_content",
                    $"A {message.Role} message carries {content.GetType().Name}; only text content is sent to providers yet.");
            }
        }

        return message.Text;
    }

    public static ChatFinishReason? FinishReason(string? reason) => reason switch
    {
        null => null,
        "stop" or "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "length" or "max_tokens" => ChatFinishReason.Length,
        "content_filter" or "refusal" => ChatFinishReason.ContentFilter,
        "tool_calls" or "tool_use" => ChatFinishReason.ToolCalls,
        _ => new ChatFinishReason(reason),
    };
}
