using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// Source-generated System.Text.Json metadata for the chat-completions bodies on the router's hot path, with the same
/// settings as the provider clients' Refit serializer (web defaults, nulls left out), so the bytes on the wire are the
/// same and no reflection-built converters run per call.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenAiWire.ChatRequest))]
[JsonSerializable(typeof(OpenAiWire.ChatResponse))]
internal sealed partial class OpenAiWireJson : JsonSerializerContext;
