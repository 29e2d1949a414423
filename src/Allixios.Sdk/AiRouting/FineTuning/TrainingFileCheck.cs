using System.Text;
using System.Text.Json;

namespace Allixios.AiRouting.FineTuning;

/// <summary>
/// Checks a training file against OpenAI's chat fine-tuning format before it is uploaded, so a bad file fails at once
/// with the lines to fix instead of minutes later at the provider: UTF-8 JSONL, each non-blank line an object with a
/// <c>messages</c> array of system, user, assistant or tool messages whose content is text (or, for an assistant, tool
/// calls), at least one assistant message, an assistant <c>weight</c> of 0 or 1, and enough examples.
/// </summary>
internal static class TrainingFileCheck
{
    private const int MaxReported = 10;

    /// <summary>Returns the number of examples; throws <c>invalid_training_file</c> listing up to ten problems by line.</summary>
    public static int Examples(ReadOnlyMemory<byte> data, string what, int minExamples, int maxBytes)
    {
        if (data.Length == 0)
        {
            throw AllixiosException.Invalid("invalid_training_file", $"The {what} is empty; send JSONL with one {{\"messages\":[…]}} example per line.");
        }

        if (data.Length > maxBytes)
        {
            throw AllixiosException.Invalid("invalid_training_file", $"The {what} is {data.Length} bytes; the most accepted is {maxBytes} (Allixios:AiRouting:FineTuning:MaxFileBytes).");
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(data.Span);
        }
        catch (DecoderFallbackException)
        {
            throw AllixiosException.Invalid("invalid_training_file", $"The {what} is not UTF-8 text; save it as UTF-8 JSONL.");
        }

        var problems = new List<string>();
        var examples = 0;
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || (lineNumber == 1 && line == "\uFEFF"))
            {
                continue;
            }

            examples++;
            var problem = Check(line.TrimStart('\uFEFF'));
            if (problem is not null && problems.Count < MaxReported)
            {
                problems.Add($"line {lineNumber}: {problem}");
            }
            else if (problem is not null)
            {
                problems.Add("…");
                break;
            }
        }

        if (problems.Count > 0)
        {
            throw AllixiosException.Invalid("invalid_training_file", $"The {what} is not valid chat fine-tuning JSONL: {string.Join("; ", problems)}.");
        }

        if (examples < minExamples)
        {
            throw AllixiosException.Invalid("invalid_training_file", $"The {what} has {examples} example(s); at least {minExamples} are needed.");
        }

        return examples;
    }

    private static string? Check(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return $"not JSON ({e.Message.Split(" Path:")[0]})";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "each line must be a JSON object";
            }

            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                return "no \"messages\" array";
            }

            if (messages.GetArrayLength() == 0)
            {
                return "\"messages\" is empty";
            }

            var assistants = 0;
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                var problem = CheckMessage(message, index, ref assistants);
                if (problem is not null)
                {
                    return problem;
                }

                index++;
            }

            return assistants == 0 ? "no assistant message to learn from" : null;
        }
    }

    private static string? CheckMessage(JsonElement message, int index, ref int assistants)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return $"message {index} is not an object";
        }

        if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
        {
            return $"message {index} has no \"role\"";
        }

        var name = role.GetString();
        if (name is not ("system" or "user" or "assistant" or "tool"))
        {
            return $"message {index} has role \"{name}\"; use system, user, assistant or tool";
        }

        var hasContent = message.TryGetProperty("content", out var content) && content.ValueKind is JsonValueKind.String or JsonValueKind.Array;
        var hasToolCalls = message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0;
        if (!hasContent && !(name == "assistant" && hasToolCalls))
        {
            return $"message {index} ({name}) has no text \"content\"";
        }

        if (name == "assistant")
        {
            assistants++;
            if (message.TryGetProperty("weight", out var weight) && !(weight.ValueKind == JsonValueKind.Number && weight.TryGetInt32(out var w) && w is 0 or 1))
            {
                return $"message {index} has \"weight\" {weight.GetRawText()}; use 0 or 1";
            }
        }

        return null;
    }
}
