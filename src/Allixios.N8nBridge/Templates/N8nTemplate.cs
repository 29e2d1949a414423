using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Allixios.N8nBridge.Templates;

/// <summary>
/// A workflow template shipped with the bridge: n8n workflow JSON whose strings hold <c>{{name}}</c> placeholders,
/// described by its <c>meta.allixios</c> section (its id, what it does, its parameters). The same file imports by hand in
/// n8n (Workflows → Import from file); <see cref="Render"/> fills it in for n8n's public API.
/// </summary>
public sealed partial class N8nTemplate
{
    /// <summary>The parameter every template takes besides its own: the workflow's name in n8n (default: <see cref="Name"/>).</summary>
    public const string WorkflowNameParameter = "workflow.name";

    private readonly JsonObject _workflow;

    internal N8nTemplate(string fileName, string json)
    {
        Json = json;
        _workflow = JsonNode.Parse(json) as JsonObject ?? throw Invalid(fileName, "it is not a JSON object");
        var meta = _workflow["meta"]?["allixios"] as JsonObject ?? throw Invalid(fileName, "it has no meta.allixios section");
        Id = meta["template"]?.GetValue<string>() ?? throw Invalid(fileName, "meta.allixios.template (its id) is missing");
        Description = meta["description"]?.GetValue<string>() ?? throw Invalid(fileName, "meta.allixios.description is missing");
        Name = _workflow["name"]?.GetValue<string>() ?? throw Invalid(fileName, "it has no name");
        var parameters = new List<N8nTemplateParameter>();
        foreach (var parameter in meta["parameters"] as JsonArray ?? [])
        {
            var name = parameter?["name"]?.GetValue<string>() ?? throw Invalid(fileName, "a parameter has no name");
            var kind = Enum.TryParse<N8nTemplateParameterKind>(parameter["kind"]?.GetValue<string>(), ignoreCase: true, out var k)
                ? k
                : throw Invalid(fileName, $"parameter '{name}' has no known kind");
            parameters.Add(new N8nTemplateParameter(name, parameter["description"]?.GetValue<string>() ?? string.Empty, kind, parameter["default"]?.GetValue<string>()));
        }

        Parameters = parameters;
        var declared = parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var used = Placeholders(_workflow).ToHashSet(StringComparer.Ordinal);
        if (used.Except(declared).ToList() is { Count: > 0 } undeclared)
        {
            throw Invalid(fileName, "it uses placeholders it does not declare: " + string.Join(", ", undeclared));
        }
    }

    /// <summary>The template's id, e.g. <c>generate-article</c> (its file name without <c>.json</c>).</summary>
    public string Id { get; }

    /// <summary>The workflow's name in n8n unless <see cref="WorkflowNameParameter"/> is given.</summary>
    public string Name { get; }

    /// <summary>What the workflow does and what it needs.</summary>
    public string Description { get; }

    /// <summary>The values it needs, with their defaults.</summary>
    public IReadOnlyList<N8nTemplateParameter> Parameters { get; }

    /// <summary>The template's JSON as shipped, placeholders and all (the file in <c>samples/n8n-templates</c>).</summary>
    public string Json { get; }

    /// <summary>
    /// The workflow as n8n's public API creates it (<c>name</c>, <c>nodes</c>, <c>connections</c>, <c>settings</c>), with
    /// every placeholder replaced by its value or default. Values go into JSON strings as they are: no escaping needed.
    /// </summary>
    /// <remarks>Pass the result to <see cref="IN8nClient.CreateWorkflowAsync"/>, or use <see cref="N8nTemplates.ImportAsync"/>.</remarks>
    /// <param name="values">A value per parameter name; parameters with a default may be left out.</param>
    /// <exception cref="ArgumentException">A required value is missing, a name is unknown, or a value is not of its kind; the message lists each.</exception>
    public N8nWorkflowDefinition Render(IReadOnlyDictionary<string, string>? values = null)
    {
        values ??= new Dictionary<string, string>();
        var problems = new List<string>();
        var known = Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var unknown in values.Keys.Where(n => !known.ContainsKey(n) && n != WorkflowNameParameter))
        {
            problems.Add($"'{unknown}' is not a parameter of template '{Id}' (it has: {string.Join(", ", known.Keys)})");
        }

        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in Parameters)
        {
            if (!values.TryGetValue(parameter.Name, out var value))
            {
                if (parameter.Default is null)
                {
                    problems.Add($"'{parameter.Name}' is required: {parameter.Description}");
                    continue;
                }

                value = parameter.Default;
            }

            if (Check(parameter, value) is { } problem)
            {
                problems.Add(problem);
                continue;
            }

            resolved[parameter.Name] = value;
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Template '{Id}' cannot be filled in: {string.Join("; ", problems)}.", nameof(values));
        }

        var workflow = new JsonObject
        {
            ["name"] = values.TryGetValue(WorkflowNameParameter, out var name) && !string.IsNullOrWhiteSpace(name) ? name : Name,
            ["nodes"] = Fill(_workflow["nodes"], resolved),
            ["connections"] = Fill(_workflow["connections"], resolved),
            ["settings"] = Fill(_workflow["settings"] ?? new JsonObject(), resolved),
        };
        return N8nWorkflowDefinition.Parse(workflow.ToJsonString());
    }

    private static string? Check(N8nTemplateParameter parameter, string value)
    {
        var ok = parameter.Kind switch
        {
            N8nTemplateParameterKind.Text => !string.IsNullOrWhiteSpace(value),
            N8nTemplateParameterKind.Url => Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps),
            N8nTemplateParameterKind.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number),
            N8nTemplateParameterKind.Cron => value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is 5 or 6,
            N8nTemplateParameterKind.WebhookPath => WebhookPath().IsMatch(value),
            _ => false,
        };
        return ok ? null : parameter.Kind switch
        {
            N8nTemplateParameterKind.Text => $"'{parameter.Name}' must not be empty",
            N8nTemplateParameterKind.Url => $"'{parameter.Name}' must be an absolute http or https address, not '{value}'",
            N8nTemplateParameterKind.Number => $"'{parameter.Name}' must be a number such as 80 or 0.5, not '{value}'",
            N8nTemplateParameterKind.Cron => $"'{parameter.Name}' must be a cron expression of 5 or 6 fields such as '0 3 * * *', not '{value}'",
            _ => $"'{parameter.Name}' must be a path of letters, digits, '-', '_' and '/', not '{value}'",
        };
    }

    private static JsonNode? Fill(JsonNode? node, IReadOnlyDictionary<string, string> values) => node switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Fill(p.Value, values)))),
        JsonArray a => new JsonArray([.. a.Select(item => Fill(item, values))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String =>
            JsonValue.Create(Placeholder().Replace(v.GetValue<string>(), m => values[m.Groups[1].Value])),
        _ => node.DeepClone(),
    };

    private static IEnumerable<string> Placeholders(JsonNode? node) => node switch
    {
        JsonObject o => o.Where(p => p.Key != "meta").SelectMany(p => Placeholders(p.Value)),
        JsonArray a => a.SelectMany(Placeholders),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Placeholder().Matches(v.GetValue<string>()).Select(m => m.Groups[1].Value),
        _ => [],
    };

    private static InvalidOperationException Invalid(string fileName, string why) => new($"The workflow template '{fileName}' is not valid: {why}.");

    // {{allixios.credentialId}}: a dotted name right inside the braces. n8n's expressions ({{ $json.x }}) never match.
    [GeneratedRegex(@"\{\{([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*$")]
    private static partial Regex WebhookPath();
}
