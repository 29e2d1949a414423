using System.Globalization;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Allixios.Quality.Scorers;

/// <summary>
/// Structured output: 100 when the text is a JSON document that satisfies the request's JSON Schema (or, with none,
/// is well-formed JSON), 0 otherwise with the violations listed. A Markdown code fence around the document is allowed,
/// as models often add one. Texts that are neither JSON nor come with a schema are skipped.
/// </summary>
public sealed class JsonSchemaScorer : IQualityScorer
{
    private const int MaxErrorsListed = 10;

    /// <inheritdoc />
    public string Name => QualityScorerNames.JsonSchema;

    /// <summary>Parses <paramref name="schema"/>, or throws the error that says what is wrong with it.</summary>
    /// <exception cref="AllixiosException">InvalidArgument (<c>quality_schema_invalid</c>): not a JSON Schema NJsonSchema can read.</exception>
    public static async Task<JsonSchema> ParseSchemaAsync(string schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        try
        {
            return await JsonSchema.FromJsonAsync(schema, cancellationToken);
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidOperationException or NotSupportedException or ArgumentException or FormatException)
        {
            throw AllixiosException.Invalid("quality_schema_invalid", $"The JSON Schema to score against is not valid: {e.Message} Send a JSON Schema document (draft 4 to 2020-12), e.g. {{\"type\":\"object\",\"required\":[\"title\"]}}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask<QualityScorerResult> ScoreAsync(QualityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.JsonSchema is null && request.Kind != QualityContentKind.Json)
        {
            return QualityScorerResult.Skipped("The text is not structured output and no JSON Schema was given.");
        }

        var schema = request.JsonSchema is { } text ? await ParseSchemaAsync(text, cancellationToken) : null;
        var document = Unfenced(request.Text);
        try
        {
            using var parsed = System.Text.Json.JsonDocument.Parse(document);
        }
        catch (System.Text.Json.JsonException e)
        {
            return QualityScorerResult.Scored(0, $"Not a JSON document: {e.Message}");
        }

        if (schema is null)
        {
            return QualityScorerResult.Scored(100, "Well-formed JSON (no schema given).");
        }

        var errors = Flatten(schema.Validate(document)).ToList();
        if (errors.Count == 0)
        {
            return QualityScorerResult.Scored(100, "Valid against the schema.");
        }

        var more = errors.Count > MaxErrorsListed ? string.Create(CultureInfo.InvariantCulture, $" (and {errors.Count - MaxErrorsListed} more)") : string.Empty;
        return QualityScorerResult.Scored(0, string.Create(CultureInfo.InvariantCulture, $"{errors.Count} schema violation(s): {string.Join("; ", errors.Take(MaxErrorsListed))}{more}."));
    }

    private static string Unfenced(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal) || !trimmed.EndsWith("```", StringComparison.Ordinal) || trimmed.Length < 6)
        {
            return trimmed;
        }

        var firstLine = trimmed.IndexOf('\n', StringComparison.Ordinal);
        return firstLine < 0 ? trimmed : trimmed[(firstLine + 1)..^3].Trim();
    }

    private static IEnumerable<string> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            yield return $"{(string.IsNullOrEmpty(error.Path) ? "#" : error.Path)}: {error.Kind}";
            if (error is ChildSchemaValidationError child)
            {
                foreach (var nested in Flatten(child.Errors.SelectMany(e => e.Value)))
                {
                    yield return nested;
                }
            }
        }
    }
}
