using NJsonSchema;
using NSwag;

namespace Allixios.N8nBridge.ContractGenerator;

/// <summary>
/// Resolves the node's operations against the runtime's OpenAPI document: each operation's path parameters, query
/// parameters and request body properties become fields with their JSON Schema type, required flag, description and
/// enumeration. Anything the node names that the document lacks is a <see cref="ContractException"/>.
/// </summary>
public static class ContractReader
{
    // Parameter names of the node itself; a contract field with one of these names would shadow it.
    private static readonly HashSet<string> s_reservedParameters =
        ["resource", "operation", "additionalFields", "jobType", "customJobType", "waitForCompletion", "waitTimeout", "pollInterval"];

    /// <summary>Resolves every operation of <paramref name="contract"/>, in its order.</summary>
    public static IReadOnlyList<ResolvedOperation> Resolve(OpenApiDocument document, NodeContract contract)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(contract);
        return [.. contract.Operations.Select(operation => Resolve(document, operation))];
    }

    private static ResolvedOperation Resolve(OpenApiDocument document, NodeOperation spec)
    {
        var name = $"{spec.Resource}.{spec.Operation}";
        if (!document.Paths.TryGetValue(spec.Path, out var pathItem))
        {
            throw new ContractException($"The OpenAPI document has no path '{spec.Path}' (operation {name}); fix contract/operations.json or the runtime.");
        }

        if (!pathItem.TryGetValue(spec.Method.ToLowerInvariant(), out var operation))
        {
            throw new ContractException($"The OpenAPI document has no {spec.Method.ToUpperInvariant()} on '{spec.Path}' (operation {name}).");
        }

        var fields = new List<NodeField>();
        // NSwag also lists an OpenAPI 3 request body as a "body" parameter; the body is read from RequestBody below.
        foreach (var parameter in operation.ActualParameters.Where(p => p.Kind != OpenApiParameterKind.Body))
        {
            var location = parameter.Kind switch
            {
                OpenApiParameterKind.Path => FieldLocation.Path,
                OpenApiParameterKind.Query => FieldLocation.Query,
                _ => throw new ContractException($"Operation {name}: the {parameter.Kind} parameter '{parameter.Name}' has no place in the node's requests."),
            };
            var schema = (parameter.Schema ?? parameter).ActualSchema;
            var required = parameter.IsRequired || location == FieldLocation.Path;
            fields.Add(Field(spec, parameter.Name, location, schema, required, parameter.Description ?? schema.Description));
        }

        var pathKeys = fields.Where(f => f.Location == FieldLocation.Path).Select(f => f.Key).ToHashSet();
        var body = operation.RequestBody?.Content.TryGetValue("application/json", out var media) == true ? media.Schema?.ActualSchema : null;
        var bodyKeys = new HashSet<string>();
        if (body is not null)
        {
            foreach (var (key, property) in body.ActualProperties)
            {
                bodyKeys.Add(key);
                // Transcoding binds path fields from the route; the same names in the body schema are not sent.
                if (pathKeys.Contains(key) || spec.NodeFields.Contains(key))
                {
                    continue;
                }

                var required = property.IsRequired || body.RequiredProperties.Contains(key);
                fields.Add(Field(spec, key, FieldLocation.Body, property.ActualSchema, required, property.Description ?? property.ActualSchema.Description));
            }
        }

        foreach (var nodeField in spec.NodeFields)
        {
            if (!bodyKeys.Contains(nodeField))
            {
                throw new ContractException($"Operation {name} fills the body property '{nodeField}', which the contract's request body does not have.");
            }
        }

        foreach (var primary in spec.Primary)
        {
            if (!fields.Any(f => f.Key == primary))
            {
                throw new ContractException($"Operation {name} shows '{primary}' on the node, but the contract has no such field.");
            }
        }

        foreach (var key in spec.Rename.Keys)
        {
            if (!fields.Any(f => f.Key == key))
            {
                throw new ContractException($"Operation {name} renames '{key}', which is not a field of the contract.");
            }
        }

        foreach (var key in spec.Defaults.Keys)
        {
            if (!fields.Any(f => f.Key == key && f.Kind == FieldKind.Json))
            {
                throw new ContractException($"Operation {name} gives a default for '{key}', which is not a JSON field of the contract.");
            }
        }

        var duplicate = fields.GroupBy(f => f.Parameter).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ContractException($"Operation {name} has two fields named '{duplicate.Key}' once turned into n8n parameters.");
        }

        return new ResolvedOperation(spec, fields);
    }

    private static NodeField Field(NodeOperation spec, string key, FieldLocation location, JsonSchema schema, bool required, string? description)
    {
        var parameter = spec.Rename.TryGetValue(key, out var renamed) ? renamed : Naming.ParameterName(key);
        if (s_reservedParameters.Contains(parameter))
        {
            throw new ContractException($"Operation {spec.Resource}.{spec.Operation}: the field '{key}' would shadow the node's own parameter '{parameter}'.");
        }

        var kind = KindOf(schema);
        var options = kind == FieldKind.Options
            ? schema.Enumeration.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)
                .Where(v => !v.EndsWith("_UNSPECIFIED", StringComparison.Ordinal)).ToList()
            : [];
        var text = Naming.Description(description);
        if (kind == FieldKind.Json && schema.Item?.ActualSchema is { ActualProperties.Count: > 0 } item)
        {
            // A list of objects is entered as JSON: say which properties each item takes.
            var shape = Naming.Description("Each item: {" + string.Join(", ", item.ActualProperties.Keys) + "}");
            text = text.Length == 0 ? shape : text + ". " + shape;
        }

        var jsonDefault = spec.Defaults.TryGetValue(key, out var given) ? given : schema.Type.HasFlag(JsonObjectType.Array) ? "[]" : "{}";
        var topLevel = required || spec.Primary.Contains(key);
        return new NodeField(parameter, key, location, kind, required, topLevel, Naming.DisplayName(key), text, options, jsonDefault);
    }

    private static FieldKind KindOf(JsonSchema schema)
    {
        if (schema.IsEnumeration)
        {
            return FieldKind.Options;
        }

        var type = schema.Type;
        if (type.HasFlag(JsonObjectType.Array))
        {
            var item = schema.Item?.ActualSchema;
            return item is not null && item.Type == JsonObjectType.String && !item.IsEnumeration ? FieldKind.StringList : FieldKind.Json;
        }

        if (type.HasFlag(JsonObjectType.Object) || type == JsonObjectType.None)
        {
            return FieldKind.Json;
        }

        if (type.HasFlag(JsonObjectType.Boolean))
        {
            return FieldKind.Boolean;
        }

        if (type.HasFlag(JsonObjectType.Integer) || type.HasFlag(JsonObjectType.Number))
        {
            return FieldKind.Number;
        }

        return schema.Format == JsonFormatStrings.DateTime ? FieldKind.DateTime : FieldKind.Text;
    }
}
