using System.Text;
using System.Text.Json;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// Reads a chat-completions response body as it usually arrives (the property names OpenAI writes, values of the
/// expected JSON types) in one pass of a <see cref="Utf8JsonReader"/>. The serializer's metadata for these init-only
/// types goes through its parameterized-constructor path, which cost several times the rest of reading the body. Any
/// body this reader is not sure about (a known name in other letter case, a number sent as a string, a value of another
/// type, JSON that does not parse) is left to <see cref="JsonSerializer"/> with <see cref="OpenAiWireJson"/>, so what
/// is accepted, refused and read is decided exactly as before.
/// </summary>
internal static class OpenAiResponseReader
{
    private static readonly byte[][] KnownNames =
    [
        "id"u8.ToArray(), "model"u8.ToArray(), "created"u8.ToArray(), "choices"u8.ToArray(), "usage"u8.ToArray(),
        "index"u8.ToArray(), "message"u8.ToArray(), "delta"u8.ToArray(), "finish_reason"u8.ToArray(), "role"u8.ToArray(),
        "content"u8.ToArray(), "prompt_tokens"u8.ToArray(), "completion_tokens"u8.ToArray(), "total_tokens"u8.ToArray(),
        "prompt_tokens_details"u8.ToArray(), "cached_tokens"u8.ToArray(),
    ];

    /// <summary>The body, or <see langword="null"/> for a JSON <c>null</c>.</summary>
    /// <exception cref="JsonException">The body is not a chat-completions response.</exception>
    public static OpenAiWire.ChatResponse? Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (TryReadResponse(ref reader, out var response) && reader.Read() is false)
            {
                return response;
            }
        }
        catch (JsonException)
        {
            // Malformed: the serializer reports it, with its own message.
        }

        return JsonSerializer.Deserialize(body, OpenAiWireJson.Default.ChatResponse);
    }

    private static bool TryReadResponse(ref Utf8JsonReader reader, out OpenAiWire.ChatResponse? response)
    {
        response = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        string? id = null;
        string? model = null;
        long? created = null;
        List<OpenAiWire.Choice>? choices = null;
        OpenAiWire.Usage? usage = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                if (!TryString(ref reader, out id))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                if (!TryString(ref reader, out model))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                if (!TryNullableInt64(ref reader, out created))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                if (!TryChoices(ref reader, out choices))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                if (!TryUsage(ref reader, out usage))
                {
                    return false;
                }
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return false;
        }

        response = new OpenAiWire.ChatResponse { Id = id, Model = model, Created = created, Choices = choices, Usage = usage };
        return true;
    }

    private static bool TryChoices(ref Utf8JsonReader reader, out List<OpenAiWire.Choice>? choices)
    {
        choices = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        choices = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || !TryChoice(ref reader, out var choice))
            {
                return false;
            }

            choices.Add(choice);
        }

        return true;
    }

    private static bool TryChoice(ref Utf8JsonReader reader, out OpenAiWire.Choice choice)
    {
        choice = null!;
        var index = 0;
        OpenAiWire.Message? message = null;
        OpenAiWire.Message? delta = null;
        string? finishReason = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out index))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                if (!TryMessage(ref reader, out message))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                if (!TryMessage(ref reader, out delta))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                if (!TryString(ref reader, out finishReason))
                {
                    return false;
                }
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        choice = new OpenAiWire.Choice { Index = index, Message = message, Delta = delta, FinishReason = finishReason };
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryMessage(ref Utf8JsonReader reader, out OpenAiWire.Message? message)
    {
        message = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        string? role = null;
        string? content = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8))
            {
                if (!TryString(ref reader, out role))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("content"u8))
            {
                if (!TryString(ref reader, out content))
                {
                    return false;
                }
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        message = new OpenAiWire.Message { Role = role, Content = content };
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryUsage(ref Utf8JsonReader reader, out OpenAiWire.Usage? usage)
    {
        usage = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        long prompt = 0;
        long completion = 0;
        long total = 0;
        OpenAiWire.PromptDetails? details = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                if (!TryInt64(ref reader, out prompt))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                if (!TryInt64(ref reader, out completion))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                if (!TryInt64(ref reader, out total))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                if (!TryPromptDetails(ref reader, out details))
                {
                    return false;
                }
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        usage = new OpenAiWire.Usage { PromptTokens = prompt, CompletionTokens = completion, TotalTokens = total, PromptTokensDetails = details };
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryPromptDetails(ref Utf8JsonReader reader, out OpenAiWire.PromptDetails? details)
    {
        details = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        long? cached = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
            {
                if (!TryNullableInt64(ref reader, out cached))
                {
                    return false;
                }
            }
            else if (!TrySkipUnknown(ref reader))
            {
                return false;
            }
        }

        details = new OpenAiWire.PromptDetails { CachedTokens = cached };
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = reader.GetString();
        return true;
    }

    private static bool TryInt64(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
    }

    private static bool TryNullableInt64(ref Utf8JsonReader reader, out long? value)
    {
        value = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var number))
        {
            return false;
        }

        value = number;
        return true;
    }

    /// <summary>
    /// Skips a property no field reads. One whose name may match a field's in other letter case goes to the serializer,
    /// which reads names case-insensitively: an ASCII name equal to a field's but for case, and any escaped or non-ASCII
    /// name (case mapping outside ASCII can land on ASCII letters).
    /// </summary>
    private static bool TrySkipUnknown(ref Utf8JsonReader reader)
    {
        var name = reader.ValueSpan;
        if (reader.ValueIsEscaped || reader.HasValueSequence || !Ascii.IsValid(name))
        {
            return false;
        }

        foreach (var known in KnownNames)
        {
            if (Ascii.EqualsIgnoreCase(name, known))
            {
                return false;
            }
        }

        reader.Read();
        reader.Skip();
        return true;
    }
}
