using System.Text.Json;

namespace Allixios.Runtime.Errors;

/// <summary>
/// JSON transcoding reports every unreadable body with one vague message. This reads the (buffered) body again
/// to tell the caller what to fix: where the JSON syntax breaks, or else that a field has the wrong type.
/// </summary>
internal static class JsonBodyDiagnosis
{
    public const string TranscodingMessage = "Request JSON payload is not correctly formatted.";

    public static async Task<(string Reason, string Detail)> DiagnoseAsync(HttpRequest request)
    {
        if (!request.Body.CanSeek)
        {
            return ("malformed_json", "The request body is not valid JSON for this call: check the syntax and the field types against the API reference (/docs).");
        }

        request.Body.Position = 0;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? ("invalid_field_type", "A field of the request body has a value of the wrong type (e.g. text where a number or an object is expected): compare the body with the schema in the API reference (/docs).")
                : ("malformed_json", $"The request body must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
        }
        catch (JsonException e)
        {
            return ("malformed_json", $"The request body is not valid JSON: {e.Message}");
        }
    }
}
