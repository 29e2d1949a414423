using System.Text.Json;
using System.Text.Json.Nodes;

namespace Allixios.N8nBridge.ContractGenerator;

/// <summary>
/// The part of an OpenAPI document the node depends on: the operations it calls and every schema they reference,
/// transitively, as canonical JSON (keys sorted). Two documents that agree on it give the node the same descriptions,
/// whatever else differs; the drift test compares the served document's slice with the snapshot's.
/// </summary>
public static class ContractSlice
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>The slice of <paramref name="openApiJson"/> for the operations of <paramref name="contract"/>.</summary>
    /// <exception cref="ContractException">The document lacks an operation the node calls.</exception>
    public static string Extract(string openApiJson, NodeContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var document = JsonNode.Parse(openApiJson)?.AsObject() ?? throw new ContractException("The OpenAPI document is empty.");
        var schemas = document["components"]?["schemas"]?.AsObject();
        var paths = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var referenced = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var pending = new Queue<string>();
        foreach (var operation in contract.Operations)
        {
            var node = document["paths"]?[operation.Path]?[operation.Method.ToLowerInvariant()]
                ?? throw new ContractException($"The OpenAPI document has no {operation.Method.ToUpperInvariant()} {operation.Path} ({operation.Resource}.{operation.Operation}).");
            paths[$"{operation.Method.ToUpperInvariant()} {operation.Path}"] = Canonical(node);
            CollectReferences(node, pending);
        }

        while (pending.TryDequeue(out var name))
        {
            if (referenced.ContainsKey(name))
            {
                continue;
            }

            var schema = schemas?[name] ?? throw new ContractException($"The OpenAPI document references the missing schema '{name}'.");
            referenced[name] = Canonical(schema);
            CollectReferences(schema, pending);
        }

        var slice = new JsonObject
        {
            ["operations"] = new JsonObject(paths.Select(p => KeyValuePair.Create(p.Key, p.Value))),
            ["schemas"] = new JsonObject(referenced.Select(p => KeyValuePair.Create(p.Key, p.Value))),
        };
        return slice.ToJsonString(s_indented);
    }

    private static void CollectReferences(JsonNode? node, Queue<string> pending)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        pending.Enqueue(reference["#/components/schemas/".Length..]);
                    }
                    else
                    {
                        CollectReferences(value, pending);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    CollectReferences(item, pending);
                }

                break;
        }
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Canonical)]),
        null => null,
        _ => node.DeepClone(),
    };
}
