using System.Collections.Frozen;

namespace Allixios.N8nBridge.Templates;

/// <summary>
/// The workflow templates shipped with the bridge (embedded resources, also in <c>samples/n8n-templates</c>):
/// <c>generate-article</c> (a brief posted to a webhook → a <c>content.generate</c> job, waited for → the draft indexed
/// for search), <c>nightly-reindex</c> (a schedule → the search index rebuilt) and <c>budget-alert</c> (a schedule → the
/// tenant's budgets → a chat message for each one over a threshold).
/// </summary>
public static class N8nTemplates
{
    private const string ResourcePrefix = "Allixios.N8nBridge.Templates.";

    private static readonly Lazy<FrozenDictionary<string, N8nTemplate>> Loaded = new(Load);

    /// <summary>Every template, by id.</summary>
    public static IReadOnlyList<N8nTemplate> All => [.. Loaded.Value.Values.OrderBy(t => t.Id, StringComparer.Ordinal)];

    /// <summary>One template by its id.</summary>
    /// <exception cref="ArgumentException">There is no such template; the message lists those there are.</exception>
    public static N8nTemplate Get(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return Loaded.Value.TryGetValue(id, out var template)
            ? template
            : throw new ArgumentException($"There is no workflow template '{id}'; there are: {string.Join(", ", Loaded.Value.Keys.Order(StringComparer.Ordinal))}.", nameof(id));
    }

    /// <summary>
    /// Fills in a template with <paramref name="values"/> (see <see cref="N8nTemplate.Render"/>) and creates it in n8n,
    /// inactive. Activate it with <see cref="IN8nClient.ActivateWorkflowAsync"/> when it has a trigger to run on.
    /// </summary>
    /// <exception cref="ArgumentException">The template is unknown or a value is missing or wrong; nothing is created.</exception>
    /// <exception cref="N8nApiException">n8n refused the workflow.</exception>
    public static Task<N8nWorkflow> ImportAsync(this IN8nClient client, string templateId, IReadOnlyDictionary<string, string>? values = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var workflow = Get(templateId).Render(values);
        return client.CreateWorkflowAsync(workflow, cancellationToken);
    }

    private static FrozenDictionary<string, N8nTemplate> Load()
    {
        var assembly = typeof(N8nTemplates).Assembly;
        var templates = new Dictionary<string, N8nTemplate>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal) && r.EndsWith(".json", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var fileName = resource[ResourcePrefix.Length..];
            var template = new N8nTemplate(fileName, reader.ReadToEnd());
            if (template.Id + ".json" != fileName)
            {
                throw new InvalidOperationException($"The workflow template '{fileName}' says its id is '{template.Id}': the file must be named after it.");
            }

            templates.Add(template.Id, template);
        }

        return templates.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
