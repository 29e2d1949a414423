using System.Text.Json;
using Allixios.Runtime.Contracts.V1;

namespace Allixios.Runtime.Services;

/// <summary>
/// Reads the common shape of a <see cref="CompleteRequest"/> straight from UTF-8 JSON with <see cref="Utf8JsonReader"/>:
/// an object of the request's fields (by their JSON or proto names) with values of their exact JSON types. It was a third
/// of the completion endpoint's own CPU time through Google.Protobuf's reflective <c>JsonParser</c>. Anything else —
/// an unknown field, a number sent as a string, a null, an int32 out of range, malformed JSON — is not this reader's to
/// judge: it says no, and the request goes to the transcoded endpoint, which answers it as it always has.
/// </summary>
internal static class CompleteRequestJson
{
    public static bool TryParse(ReadOnlySpan<byte> utf8, out CompleteRequest request)
    {
        request = new CompleteRequest();
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    // Nothing may follow the object.
                    return !reader.Read();
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return false;
                }

                if (reader.ValueTextEquals("messages"u8))
                {
                    if (!reader.Read() || !TryReadMessages(ref reader, request))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    if (!TryReadString(ref reader, out var model))
                    {
                        return false;
                    }

                    request.Model = model;
                }
                else if (reader.ValueTextEquals("maxOutputTokens"u8) || reader.ValueTextEquals("max_output_tokens"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var tokens))
                    {
                        return false;
                    }

                    request.MaxOutputTokens = tokens;
                }
                else if (reader.ValueTextEquals("temperature"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var temperature)
                        || !float.IsFinite((float)temperature))
                    {
                        return false;
                    }

                    request.Temperature = (float)temperature;
                }
                else if (reader.ValueTextEquals("json"u8))
                {
                    if (!reader.Read() || reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    {
                        return false;
                    }

                    request.Json = reader.GetBoolean();
                }
                else if (reader.ValueTextEquals("cache"u8))
                {
                    if (!TryReadString(ref reader, out var cache))
                    {
                        return false;
                    }

                    request.Cache = cache;
                }
                else
                {
                    return false;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadMessages(ref Utf8JsonReader reader, CompleteRequest request)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var turn = new ChatTurn();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return false;
                }

                var isRole = reader.ValueTextEquals("role"u8);
                if (!isRole && !reader.ValueTextEquals("content"u8))
                {
                    return false;
                }

                if (!TryReadString(ref reader, out var value))
                {
                    return false;
                }

                if (isRole)
                {
                    turn.Role = value;
                }
                else
                {
                    turn.Content = value;
                }
            }

            request.Messages.Add(turn);
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool TryReadString(ref Utf8JsonReader reader, out string value)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            value = string.Empty;
            return false;
        }

        value = reader.GetString()!;
        return true;
    }
}
