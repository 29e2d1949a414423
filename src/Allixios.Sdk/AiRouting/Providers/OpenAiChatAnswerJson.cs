using System.Text.Json;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// Reads a chat completion's answer (<see cref="OpenAiWire.ChatResponse"/>) straight from UTF-8 JSON with
/// <see cref="Utf8JsonReader"/> when it has the usual shape: the fields by their exact names with values of their exact
/// JSON types, unknown fields skipped. System.Text.Json's object converters were most of the cost of reading an answer,
/// on every routed call. Anything else (a field name in other letter case, a number sent as a string, a null where a
/// number belongs, malformed JSON) is not this reader's to judge: it says no, and the answer is read by the
/// source-generated serializer, which accepts and refuses exactly what it always did.
/// </summary>
internal static class OpenAiChatAnswerJson
{
    // The names this reader knows, to tell an unknown field (skipped, as the serializer skips it) from a known one in
    // other letter case (which the serializer's case-insensitive web defaults would read).
    private static readonly string[] KnownNames =
        ["id", "model", "created", "choices", "usage", "index", "message", "delta", "finish_reason", "role", "content",
         "prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details", "cached_tokens"];

    /// <summary>The answer in <paramref name="utf8"/>, as <see cref="OpenAiWireJson"/> would read it.</summary>
    /// <exception cref="JsonException">The body is not a chat completion's JSON.</exception>
    public static OpenAiWire.ChatResponse? Read(ReadOnlySpan<byte> utf8) =>
        TryRead(utf8, out var answer) ? answer : JsonSerializer.Deserialize(utf8, OpenAiWireJson.Default.ChatResponse);

    /// <summary>The answer when it has the usual shape; otherwise <see langword="false"/>, and nothing is judged.</summary>
    internal static bool TryRead(ReadOnlySpan<byte> utf8, out OpenAiWire.ChatResponse answer)
    {
        answer = new OpenAiWire.ChatResponse();
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !TryReadAnswer(ref reader, answer))
            {
                return false;
            }

            // Nothing may follow the object.
            return !reader.Read();
        }
        catch (JsonException)
        {
            // Malformed JSON: the serializer reads it again and says where.
            return false;
        }
    }

    private static bool TryReadAnswer(ref Utf8JsonReader reader, OpenAiWire.ChatResponse answer)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                if (!TryReadString(ref reader, out var id))
                {
                    return false;
                }

                answer.Id = id;
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                if (!TryReadString(ref reader, out var model))
                {
                    return false;
                }

                answer.Model = model;
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                if (!TryReadOptionalInt64(ref reader, out var created))
                {
                    return false;
                }

                answer.Created = created;
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                if (!reader.Read() || !TryReadChoices(ref reader, out var choices))
                {
                    return false;
                }

                answer.Choices = choices;
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                if (!reader.Read() || !TryReadUsage(ref reader, out var usage))
                {
                    return false;
                }

                answer.Usage = usage;
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadChoices(ref Utf8JsonReader reader, out List<OpenAiWire.Choice>? choices)
    {
        choices = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        choices = new List<OpenAiWire.Choice>(1);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var choice = new OpenAiWire.Choice();
            if (!TryReadChoice(ref reader, choice))
            {
                return false;
            }

            choices.Add(choice);
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool TryReadChoice(ref Utf8JsonReader reader, OpenAiWire.Choice choice)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var index))
                {
                    return false;
                }

                choice.Index = index;
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                if (!reader.Read() || !TryReadMessage(ref reader, out var message))
                {
                    return false;
                }

                choice.Message = message;
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                if (!reader.Read() || !TryReadMessage(ref reader, out var delta))
                {
                    return false;
                }

                choice.Delta = delta;
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                if (!TryReadString(ref reader, out var finishReason))
                {
                    return false;
                }

                choice.FinishReason = finishReason;
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadMessage(ref Utf8JsonReader reader, out OpenAiWire.Message? message)
    {
        message = null;
        if (!IsObjectOrNull(ref reader, out var isNull) || isNull)
        {
            return isNull;
        }

        message = new OpenAiWire.Message();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8))
            {
                if (!TryReadString(ref reader, out var role))
                {
                    return false;
                }

                message.Role = role;
            }
            else if (reader.ValueTextEquals("content"u8))
            {
                if (!TryReadString(ref reader, out var content))
                {
                    return false;
                }

                message.Content = content;
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadUsage(ref Utf8JsonReader reader, out OpenAiWire.Usage? usage)
    {
        usage = null;
        if (!IsObjectOrNull(ref reader, out var isNull) || isNull)
        {
            return isNull;
        }

        usage = new OpenAiWire.Usage();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                if (!TryReadCount(ref reader, out var prompt))
                {
                    return false;
                }

                usage.PromptTokens = prompt;
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                if (!TryReadCount(ref reader, out var completion))
                {
                    return false;
                }

                usage.CompletionTokens = completion;
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                if (!TryReadCount(ref reader, out var total))
                {
                    return false;
                }

                usage.TotalTokens = total;
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                if (!reader.Read() || !TryReadPromptDetails(ref reader, out var details))
                {
                    return false;
                }

                usage.PromptTokensDetails = details;
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadPromptDetails(ref Utf8JsonReader reader, out OpenAiWire.PromptDetails? details)
    {
        details = null;
        if (!IsObjectOrNull(ref reader, out var isNull) || isNull)
        {
            return isNull;
        }

        details = new OpenAiWire.PromptDetails();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
            {
                if (!TryReadOptionalInt64(ref reader, out var cached))
                {
                    return false;
                }

                details.CachedTokens = cached;
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    /// <summary>Whether the current token starts an object or is null (<paramref name="isNull"/>); anything else is not the usual shape.</summary>
    private static bool IsObjectOrNull(ref Utf8JsonReader reader, out bool isNull)
    {
        isNull = reader.TokenType == JsonTokenType.Null;
        return isNull || reader.TokenType == JsonTokenType.StartObject;
    }

    /// <summary>A whole number or null value; anything else is not the usual shape.</summary>
    private static bool TryReadOptionalInt64(ref Utf8JsonReader reader, out long? value)
    {
        value = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
        {
            value = number;
            return true;
        }

        return reader.TokenType == JsonTokenType.Null;
    }

    /// <summary>A string or null value; anything else is not the usual shape.</summary>
    private static bool TryReadString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            value = reader.GetString();
            return true;
        }

        return reader.TokenType == JsonTokenType.Null;
    }

    /// <summary>A token count: a number (the serializer refuses a null for it, so that is not the usual shape).</summary>
    private static bool TryReadCount(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
    }

    /// <summary>Skips an unknown field's value, as the serializer does; a known name in other letter case is not the usual shape.</summary>
    private static bool TrySkipUnknown(ref Utf8JsonReader reader)
    {
        if (reader.ValueSpan.Length <= "prompt_tokens_details".Length && !reader.ValueIsEscaped)
        {
            Span<char> name = stackalloc char["prompt_tokens_details".Length];
            var length = System.Text.Encoding.UTF8.GetChars(reader.ValueSpan, name);
            foreach (var known in KnownNames)
            {
                if (known.AsSpan().Equals(name[..length], StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
        }
        else if (reader.ValueIsEscaped)
        {
            // An escaped name might spell a known one.
            return false;
        }

        return reader.TrySkip();
    }
}
