using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Allixios.N8nBridge.Versioning;

/// <summary>
/// The content hash of a workflow: SHA-256 of the canonical JSON (object keys sorted, numbers normalised) of its name,
/// activity, nodes, connections and settings. Timestamps, n8n's version id, tags and static data are left out: they
/// change without anyone changing the workflow (static data is rewritten by polling triggers on every poll), and a sync
/// must not record a version for that.
/// </summary>
public static class WorkflowFingerprint
{
    /// <summary>The hash of a workflow's JSON (as n8n answers it, or as <see cref="WorkflowVersion.Definition"/> holds it).</summary>
    public static string Compute(JsonElement workflow)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("name");
            WriteCanonical(writer, Property(workflow, "name"));
            writer.WritePropertyName("active");
            WriteCanonical(writer, Property(workflow, "active"));
            writer.WritePropertyName("nodes");
            WriteCanonical(writer, Property(workflow, "nodes"));
            writer.WritePropertyName("connections");
            WriteCanonical(writer, Property(workflow, "connections"));
            writer.WritePropertyName("settings");
            WriteCanonical(writer, Property(workflow, "settings"));
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>The hash of a workflow's JSON text.</summary>
    public static string Compute(string workflowJson)
    {
        using var document = JsonDocument.Parse(workflowJson);
        return Compute(document.RootElement);
    }

    private static JsonElement? Property(JsonElement workflow, string name)
        => workflow.ValueKind == JsonValueKind.Object && workflow.TryGetProperty(name, out var value) ? value : null;

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement? element)
    {
        if (element is not { } value)
        {
            writer.WriteNullValue();
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                // 2 and 2.0 are the same number; jsonb and JavaScript may write either.
                writer.WriteRawValue(value.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(value.GetString());
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                writer.WriteBooleanValue(value.GetBoolean());
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    internal static string Canonical(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, element);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
