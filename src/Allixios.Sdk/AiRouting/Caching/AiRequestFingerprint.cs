using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Allixios.AiRouting.Caching;

/// <summary>
/// The identity of a chat call for the response cache: a SHA-256 over a canonical JSON form of everything that shapes the
/// answer — the model (or, when none is named, the tenant's routing policy, which the cache key's tenant stands for),
/// every sampling parameter, the response format, the tools, the instructions and system prompt, and every message with
/// its role and contents. Property order and the router's own bookkeeping properties (tenant, key, job) do not change it.
/// The partition is the same over everything but the last user message, which the semantic cache compares by meaning.
/// </summary>
internal readonly record struct AiRequestFingerprint(string Hash, string Partition, string? LastUserText)
{
    private const int Version = 1;

    public static AiRequestFingerprint Of(IList<ChatMessage> messages, ChatOptions? options)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Version);
            WriteOptions(writer, options);
            writer.WriteStartArray("messages");
            for (var i = 0; i < messages.Count - 1; i++)
            {
                WriteMessage(writer, messages[i]);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var prefix = buffer.WrittenCount;
        var last = messages.Count > 0 ? messages[^1] : null;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (last is not null)
            {
                WriteMessage(writer, last);
            }
        }

        var written = buffer.WrittenSpan;
        var partition = Convert.ToHexStringLower(SHA256.HashData(written[..prefix]));
        var hash = Convert.ToHexStringLower(SHA256.HashData(written));
        return new AiRequestFingerprint(hash, partition, last is not null && last.Role == ChatRole.User && OnlyText(last) ? last.Text : null);
    }

    private static bool OnlyText(ChatMessage message)
    {
        if (message.Contents.Count == 0)
        {
            return false;
        }

        foreach (var content in message.Contents)
        {
            if (content is not TextContent)
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteOptions(Utf8JsonWriter writer, ChatOptions? options)
    {
        writer.WriteString("model", options?.ModelId);
        WriteNumber(writer, "temperature", options?.Temperature);
        WriteNumber(writer, "top_p", options?.TopP);
        WriteNumber(writer, "top_k", options?.TopK);
        WriteNumber(writer, "max_output_tokens", options?.MaxOutputTokens);
        WriteNumber(writer, "frequency_penalty", options?.FrequencyPenalty);
        WriteNumber(writer, "presence_penalty", options?.PresencePenalty);
        WriteNumber(writer, "seed", options?.Seed);
        writer.WriteString("instructions", options?.Instructions);
        writer.WriteStartArray("stop");
        if (options?.StopSequences is { } stops)
        {
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }
        }

        writer.WriteEndArray();
        switch (options?.ResponseFormat)
        {
            case ChatResponseFormatJson json:
                writer.WriteStartObject("format");
                writer.WriteString("type", "json");
                writer.WriteString("name", json.SchemaName);
                writer.WriteString("description", json.SchemaDescription);
                writer.WritePropertyName("schema");
                if (json.Schema is { } schema)
                {
                    schema.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WriteEndObject();
                break;
            case ChatResponseFormatText:
                writer.WriteString("format", "text");
                break;
            default:
                writer.WriteNull("format");
                break;
        }

        writer.WriteString("tool_mode", options?.ToolMode switch
        {
            null => null,
            RequiredChatToolMode { RequiredFunctionName: { } name } => "required:" + name,
            RequiredChatToolMode => "required",
            NoneChatToolMode => "none",
            _ => "auto",
        });
        writer.WriteStartArray("tools");
        if (options?.Tools is { } tools)
        {
            foreach (var tool in tools)
            {
                writer.WriteStartObject();
                writer.WriteString("name", tool.Name);
                writer.WriteString("description", tool.Description);
                writer.WritePropertyName("schema");
                if (tool is AIFunctionDeclaration function)
                {
                    function.JsonSchema.WriteTo(writer);
                }
                else
                {
                    writer.WriteStringValue(tool.GetType().FullName);
                }

                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
        writer.WriteStartObject("extra");
        if (options?.AdditionalProperties is { Count: > 0 } properties)
        {
            // Sorted, and without the router's own bookkeeping: who pays does not change the answer (the tenant is in the key).
            foreach (var (key, value) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!key.StartsWith("allixios.", StringComparison.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, value);
                }
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role", message.Role.Value);
        writer.WriteString("author", message.AuthorName);
        writer.WriteStartArray("contents");
        foreach (var content in message.Contents)
        {
            writer.WriteStartObject();
            switch (content)
            {
                case TextContent text:
                    writer.WriteString("text", text.Text);
                    break;
                case TextReasoningContent reasoning:
                    writer.WriteString("reasoning", reasoning.Text);
                    break;
                case DataContent data:
                    writer.WriteString("media_type", data.MediaType);
                    writer.WriteString("data_sha256", Convert.ToHexStringLower(SHA256.HashData(data.Data.Span)));
                    break;
                case UriContent uri:
                    writer.WriteString("media_type", uri.MediaType);
                    writer.WriteString("uri", uri.Uri.ToString());
                    break;
                case FunctionCallContent call:
                    writer.WriteString("call", call.Name);
                    writer.WriteString("call_id", call.CallId);
                    writer.WritePropertyName("arguments");
                    WriteValue(writer, call.Arguments);
                    break;
                case FunctionResultContent result:
                    writer.WriteString("result_of", result.CallId);
                    writer.WritePropertyName("result");
                    WriteValue(writer, result.Result);
                    break;
                default:
                    writer.WriteString("type", content.GetType().FullName);
                    writer.WritePropertyName("value");
                    WriteValue(writer, content);
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                return;
            case string s:
                writer.WriteStringValue(s);
                return;
            case JsonElement element:
                element.WriteTo(writer);
                return;
            case IFormattable formattable when value.GetType().IsPrimitive || value is decimal:
                writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                return;
            default:
                break;
        }

        try
        {
            JsonSerializer.Serialize(writer, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            // A value the AI serializer does not know still shapes the answer: its text stands for it.
            writer.WriteStringValue(value.GetType().FullName + ":" + value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
