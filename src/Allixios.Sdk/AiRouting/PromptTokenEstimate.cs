using Microsoft.Extensions.AI;

namespace Allixios.AiRouting;

/// <summary>
/// A fast, allocation-free prompt size estimate for routing and reservations: about four characters a token (the
/// ratio OpenAI and Anthropic give for English) plus a few tokens of framing per message. It errs high on purpose: a
/// reservation that is too small lets a budget be overrun.
/// </summary>
internal static class PromptTokenEstimate
{
    private const int PerMessageOverhead = 4;

    public static long Of(IList<ChatMessage> messages, string? instructions)
    {
        long characters = instructions?.Length ?? 0;
        long tokens = PerMessageOverhead;
        for (var i = 0; i < messages.Count; i++)
        {
            var contents = messages[i].Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                if (contents[j] is TextContent text)
                {
                    characters += text.Text?.Length ?? 0;
                }
            }

            tokens += PerMessageOverhead;
        }

        return tokens + ((characters + 3) / 4);
    }

    public static long Of(IReadOnlyList<string> texts)
    {
        long characters = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            characters += texts[i]?.Length ?? 0;
        }

        return (characters + 3) / 4;
    }
}
