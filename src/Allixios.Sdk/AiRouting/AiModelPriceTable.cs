using System.Text.Json;

namespace Allixios.AiRouting;

/// <summary>
/// Reads a price table in the schema of LiteLLM's <c>model_prices_and_context_window.json</c>: an object whose keys
/// are model names and whose values carry <c>max_input_tokens</c>, <c>max_output_tokens</c>, <c>input_cost_per_token</c>,
/// <c>output_cost_per_token</c>, <c>cache_read_input_token_cost</c>, <c>litellm_provider</c>, <c>mode</c>,
/// <c>supports_function_calling</c>, <c>supports_vision</c> and <c>supports_response_schema</c>. LiteLLM's own file can be
/// dropped in as it is; fields Allixios does not use are ignored, and so is its <c>sample_spec</c> entry.
/// </summary>
public static class AiModelPriceTable
{
    /// <summary>The name of the table shipped inside the Sdk.</summary>
    internal const string DefaultResourceName = "Allixios.AiRouting.model_prices.json";

    /// <summary>The small table Allixios ships: current OpenAI and Anthropic models and one embedding model.</summary>
    public static IReadOnlyDictionary<string, AiModel> LoadDefault()
    {
        using var stream = typeof(AiModelPriceTable).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded price table {DefaultResourceName} is missing from the Sdk assembly.");
        return Parse(stream, DefaultResourceName);
    }

    /// <summary>Reads a price table.</summary>
    /// <param name="json">The table's JSON.</param>
    /// <param name="source">Where the table came from, for error messages.</param>
    /// <exception cref="AllixiosException">The table is not a JSON object of model rows; the message names the row and the field.</exception>
    public static IReadOnlyDictionary<string, AiModel> Parse(Stream json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw AllixiosException.Invalid("invalid_price_table", $"The price table {source} is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw AllixiosException.Invalid("invalid_price_table", $"The price table {source} must be a JSON object whose keys are model names.");
            }

            var models = new Dictionary<string, AiModel>(StringComparer.OrdinalIgnoreCase);
            foreach (var row in document.RootElement.EnumerateObject())
            {
                if (row.Name == "sample_spec" || row.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                models[row.Name] = ParseRow(row.Name, row.Value, source);
            }

            return models;
        }
    }

    private static AiModel ParseRow(string name, JsonElement row, string source)
    {
        var mode = String(row, "mode") ?? "chat";
        var capabilities = mode switch
        {
            "chat" or "completion" => AiCapabilities.Chat,
            "embedding" => AiCapabilities.Embeddings,
            _ => AiCapabilities.None,
        };
        if (Bool(row, "supports_function_calling"))
        {
            capabilities |= AiCapabilities.Tools;
        }

        if (Bool(row, "supports_vision"))
        {
            capabilities |= AiCapabilities.Vision;
        }

        // LiteLLM marks structured output as supports_response_schema; JSON mode comes with it.
        if (Bool(row, "supports_response_schema") || Bool(row, "supports_json_mode"))
        {
            capabilities |= AiCapabilities.JsonMode;
        }

        var maxTokens = Int(row, "max_tokens", name, source);
        var input = Int(row, "max_input_tokens", name, source) ?? maxTokens ?? 0;
        var output = Int(row, "max_output_tokens", name, source) ?? maxTokens ?? 0;
        var inputCost = Decimal(row, "input_cost_per_token", name, source) ?? 0m;
        var quality = Double(row, "quality_prior", name, source) ?? 50;
        if (quality is < 0 or > 100)
        {
            throw AllixiosException.Invalid("invalid_price_table", $"The price table {source} gives {name} a quality_prior of {quality}; it must be between 0 and 100.");
        }

        return new AiModel
        {
            Name = name,
            ProviderFamily = String(row, "litellm_provider"),
            ContextWindow = input,
            MaxOutputTokens = output,
            InputCostPerToken = inputCost,
            OutputCostPerToken = Decimal(row, "output_cost_per_token", name, source) ?? 0m,
            CachedInputCostPerToken = Decimal(row, "cache_read_input_token_cost", name, source) ?? inputCost,
            Capabilities = capabilities,
            QualityPrior = quality,
        };
    }

    private static string? String(JsonElement row, string field) =>
        row.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement row, string field) =>
        row.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.True;

    private static int? Int(JsonElement row, string field, string name, string source)
    {
        if (!row.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // LiteLLM writes a few limits as floats (e.g. 8192.0); anything else is a mistake worth naming.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && number >= 0 && number <= int.MaxValue)
        {
            return (int)number;
        }

        throw AllixiosException.Invalid("invalid_price_table", $"The price table {source} gives {name} a {field} that is not a non-negative number.");
    }

    private static decimal? Decimal(JsonElement row, string field, string name, string source)
    {
        if (!row.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) && number >= 0)
        {
            return number;
        }

        throw AllixiosException.Invalid("invalid_price_table", $"The price table {source} gives {name} a {field} that is not a non-negative number.");
    }

    private static double? Double(JsonElement row, string field, string name, string source)
    {
        if (!row.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw AllixiosException.Invalid("invalid_price_table", $"The price table {source} gives {name} a {field} that is not a number.");
    }
}
