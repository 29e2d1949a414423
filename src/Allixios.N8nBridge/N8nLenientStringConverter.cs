using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.N8nBridge;

/// <summary>
/// Reads an id that n8n sends as a string or as a number (its OpenAPI document declares execution ids as numbers, its
/// database answers them as strings, and both have shipped), and writes it as a string.
/// </summary>
internal sealed class N8nLenientStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => reader.TryGetInt64(out var number) ? number.ToString(CultureInfo.InvariantCulture) : reader.GetDouble().ToString(CultureInfo.InvariantCulture),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string or a number, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
