using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Allixios.AiRouting.Caching;

/// <summary>
/// One cached answer as the cache stores it: a JSON string (so memory and Redis hold the same thing) of the response
/// without its usage — a replay costs nothing and must not be counted again — with the catalog model that wrote it.
/// </summary>
internal sealed record AiCachedAnswer(ChatResponse Response, string? Model, DateTimeOffset CachedAt)
{
    public static AiCachedAnswer From(ChatResponse response, string? model, DateTimeOffset now)
    {
        var clean = new ChatResponse([.. response.Messages])
        {
            ResponseId = response.ResponseId,
            ModelId = response.ModelId,
            FinishReason = response.FinishReason,
            CreatedAt = response.CreatedAt,
        };
        return new AiCachedAnswer(clean, model, now);
    }

    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", Model);
            writer.WriteString("cached_at", CachedAt);
            writer.WritePropertyName("response");
            JsonSerializer.Serialize(writer, Response, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse)));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The answer in <paramref name="json"/>, or <see langword="null"/> when it cannot be read (written by another version): a miss.</summary>
    public static AiCachedAnswer? FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var response = (ChatResponse?)root.GetProperty("response").Deserialize(AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse)));
            return response is null
                ? null
                : new AiCachedAnswer(response, root.GetProperty("model").GetString(), root.GetProperty("cached_at").GetDateTimeOffset());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
