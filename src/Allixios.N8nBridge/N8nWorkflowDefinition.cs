using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.N8nBridge;

/// <summary>
/// What n8n lets a caller write to a workflow (<c>POST /workflows</c>, <c>PUT /workflows/{id}</c>): its name, nodes,
/// connections, settings and static data. n8n refuses any other property with 400 "request/body must NOT have
/// additional properties" (<c>id</c>, <c>active</c>, <c>tags</c>, <c>createdAt</c>, …), and its settings object has a
/// whitelist of its own, so only <see cref="WritableSettings"/> are sent; other settings keys are dropped.
/// Build one with <see cref="Parse"/> (a workflow's JSON, as exported from n8n) or <see cref="FromWorkflow"/>.
/// </summary>
public sealed record N8nWorkflowDefinition
{
    /// <summary>The settings n8n 2.8's public API accepts on a workflow; others are not sent.</summary>
    public static readonly IReadOnlySet<string> WritableSettings = new HashSet<string>(StringComparer.Ordinal)
    {
        "saveExecutionProgress", "saveManualExecutions", "saveDataErrorExecution", "saveDataSuccessExecution",
        "executionTimeout", "errorWorkflow", "timezone", "executionOrder", "callerPolicy", "callerIds",
        "timeSavedPerExecution", "availableInMCP",
    };

    /// <summary>The workflow's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Its nodes: a JSON array of node objects, each with a unique <c>name</c> and a <c>type</c>.</summary>
    [JsonPropertyName("nodes")]
    public required JsonElement Nodes { get; init; }

    /// <summary>Its connections: a JSON object keyed by source node name.</summary>
    [JsonPropertyName("connections")]
    public required JsonElement Connections { get; init; }

    /// <summary>Its settings as given (a JSON object), or none; only <see cref="WritableSettings"/> are sent.</summary>
    [JsonIgnore]
    public JsonElement? Settings { get; init; }

    /// <summary>The settings as sent to n8n: <see cref="Settings"/> without the keys n8n would refuse, <c>{}</c> when none.</summary>
    [JsonPropertyName("settings")]
    public JsonElement SentSettings => FilterSettings(Settings);

    /// <summary>The data its trigger nodes keep between runs (a JSON object or null), or none to leave it out.</summary>
    [JsonPropertyName("staticData")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? StaticData { get; init; }

    /// <summary>The writable fields of a workflow n8n answered, e.g. to put an older version back.</summary>
    public static N8nWorkflowDefinition FromWorkflow(N8nWorkflow workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var definition = new N8nWorkflowDefinition
        {
            Name = workflow.Name,
            Nodes = workflow.Nodes.Clone(),
            Connections = workflow.Connections.Clone(),
            Settings = workflow.Settings?.Clone(),
            StaticData = workflow.StaticData?.Clone(),
        };
        return definition;
    }

    /// <summary>
    /// Reads a workflow's JSON (as n8n exports it; read-only properties such as <c>id</c>, <c>active</c> or <c>tags</c>
    /// are ignored) and checks what n8n would otherwise refuse or run badly.
    /// </summary>
    /// <exception cref="AllixiosException">The JSON is not a workflow; the message names the property to fix.</exception>
    public static N8nWorkflowDefinition Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Invalid($"The workflow is not valid JSON: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The workflow must be a JSON object with name, nodes and connections.");
        }

        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : string.Empty;
        var definition = new N8nWorkflowDefinition
        {
            Name = name,
            Nodes = root.TryGetProperty("nodes", out var nodes) ? nodes : default,
            Connections = root.TryGetProperty("connections", out var connections) ? connections : default,
            Settings = root.TryGetProperty("settings", out var settings) && settings.ValueKind != JsonValueKind.Null ? settings : null,
            StaticData = root.TryGetProperty("staticData", out var staticData) ? staticData : null,
        };
        definition.Validate();
        return definition;
    }

    /// <summary>
    /// Checks the definition as n8n would and more: a name; <c>nodes</c> an array of objects with a unique <c>name</c>
    /// and a <c>type</c>; <c>connections</c> an object whose sources and targets are among the nodes; <c>settings</c> an
    /// object; <c>staticData</c> an object or null.
    /// </summary>
    /// <exception cref="AllixiosException">Something is wrong; the message names the property to fix.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw Invalid("The workflow needs a name (a non-empty string).");
        }

        if (Nodes.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"The workflow's nodes must be a JSON array of node objects; found {Describe(Nodes)}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var node in Nodes.EnumerateArray())
        {
            if (node.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"nodes[{index}] must be a JSON object; found {Describe(node)}.");
            }

            if (!node.TryGetProperty("name", out var nodeName) || nodeName.ValueKind != JsonValueKind.String || nodeName.GetString()!.Length == 0)
            {
                throw Invalid($"nodes[{index}] needs a name (a non-empty string); connections refer to nodes by name.");
            }

            if (!node.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString()!.Length == 0)
            {
                throw Invalid($"nodes[{index}] ('{nodeName.GetString()}') needs a type, e.g. \"n8n-nodes-base.httpRequest\".");
            }

            if (node.TryGetProperty("parameters", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                throw Invalid($"nodes[{index}].parameters ('{nodeName.GetString()}') must be a JSON object; found {Describe(parameters)}.");
            }

            if (!names.Add(nodeName.GetString()!))
            {
                throw Invalid($"nodes[{index}]: two nodes are named '{nodeName.GetString()}'; node names must be unique.");
            }

            index++;
        }

        if (Connections.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"The workflow's connections must be a JSON object keyed by source node name; found {Describe(Connections)}.");
        }

        foreach (var edge in WorkflowGraph.Edges(Connections))
        {
            if (!names.Contains(edge.Source))
            {
                throw Invalid($"connections['{edge.Source}'] starts at a node that is not in nodes.");
            }

            if (!names.Contains(edge.Target))
            {
                throw Invalid($"connections['{edge.Source}'] leads to node '{edge.Target}', which is not in nodes.");
            }
        }

        if (Settings is { } settings && settings.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"The workflow's settings must be a JSON object; found {Describe(settings)}.");
        }

        if (StaticData is { } staticData && staticData.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            throw Invalid($"The workflow's staticData must be a JSON object or null; found {Describe(staticData)}.");
        }
    }

    private static JsonElement FilterSettings(JsonElement? settings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (settings is { ValueKind: JsonValueKind.Object } given)
            {
                foreach (var property in given.EnumerateObject().Where(p => WritableSettings.Contains(p.Name)))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined => "nothing",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static AllixiosException Invalid(string message) => new(AllixiosErrorKind.InvalidArgument, "n8n_workflow_invalid", message);
}
