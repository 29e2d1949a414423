using System.Globalization;
using System.Text.Json;

namespace Allixios.N8nBridge.Versioning;

/// <summary>
/// Compares two versions of a workflow structurally. Nodes are matched by their n8n id when both versions carry one
/// (so a renamed node is a change of <c>name</c>, not a removal and an addition), else by name; connections are
/// compared as sets of edges; settings key by key.
/// </summary>
public static class WorkflowDiffer
{
    /// <summary>What changed from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static WorkflowDiff Compare(WorkflowVersion from, WorkflowVersion to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        using var before = JsonDocument.Parse(from.Definition);
        using var after = JsonDocument.Parse(to.Definition);
        return Compare(before.RootElement, after.RootElement) with { WorkflowId = to.WorkflowId, FromVersion = from.Version, ToVersion = to.Version };
    }

    /// <summary>What changed from one workflow JSON to another.</summary>
    public static WorkflowDiff Compare(JsonElement before, JsonElement after)
    {
        var oldNodes = Nodes(before);
        var newNodes = Nodes(after);
        var matchById = oldNodes.All(n => n.Id is not null) && newNodes.All(n => n.Id is not null);
        // n8n keeps names and ids unique; a hand-edited duplicate is compared by its first occurrence.
        var oldByKey = oldNodes.DistinctBy(n => matchById ? n.Id! : n.Name).ToDictionary(n => matchById ? n.Id! : n.Name, StringComparer.Ordinal);
        var newByKey = newNodes.DistinctBy(n => matchById ? n.Id! : n.Name).ToDictionary(n => matchById ? n.Id! : n.Name, StringComparer.Ordinal);

        var changed = new List<NodeChange>();
        foreach (var node in newNodes)
        {
            var key = matchById ? node.Id! : node.Name;
            if (oldByKey.TryGetValue(key, out var old))
            {
                var paths = new List<string>();
                ChangedPaths(old.Json, node.Json, string.Empty, paths);
                if (paths.Count > 0)
                {
                    changed.Add(new NodeChange(node.Name, node.Type, paths));
                }
            }
        }

        var oldEdges = WorkflowGraph.Edges(Property(before, "connections")).ToHashSet();
        var newEdges = WorkflowGraph.Edges(Property(after, "connections")).ToHashSet();

        var settings = new List<SettingChange>();
        var oldSettings = Properties(Property(before, "settings"));
        var newSettings = Properties(Property(after, "settings"));
        foreach (var key in oldSettings.Keys.Union(newSettings.Keys).Order(StringComparer.Ordinal))
        {
            var was = oldSettings.TryGetValue(key, out var o) ? WorkflowFingerprint.Canonical(o) : "null";
            var now = newSettings.TryGetValue(key, out var n) ? WorkflowFingerprint.Canonical(n) : "null";
            if (was != now)
            {
                settings.Add(new SettingChange(key, was, now));
            }
        }

        return new WorkflowDiff
        {
            WorkflowId = Property(after, "id") is { ValueKind: JsonValueKind.String } id ? id.GetString()! : string.Empty,
            FromVersion = 0,
            ToVersion = 0,
            Name = Change(Property(before, "name"), Property(after, "name")),
            Active = Change(Property(before, "active"), Property(after, "active")),
            NodesAdded = [.. newNodes.Where(n => !oldByKey.ContainsKey(matchById ? n.Id! : n.Name)).Select(n => n.Name)],
            NodesRemoved = [.. oldNodes.Where(n => !newByKey.ContainsKey(matchById ? n.Id! : n.Name)).Select(n => n.Name)],
            NodesChanged = changed,
            ConnectionsAdded = [.. newEdges.Where(e => !oldEdges.Contains(e)).OrderBy(e => e.ToString(), StringComparer.Ordinal)],
            ConnectionsRemoved = [.. oldEdges.Where(e => !newEdges.Contains(e)).OrderBy(e => e.ToString(), StringComparer.Ordinal)],
            SettingsChanged = settings,
        };
    }

    private static ValueChange? Change(JsonElement before, JsonElement after)
    {
        var was = WorkflowFingerprint.Canonical(before);
        var now = WorkflowFingerprint.Canonical(after);
        return was == now ? null : new ValueChange(was, now);
    }

    // Objects are walked key by key down to the leaves; an array is one value (node positions, lists of options):
    // saying "parameters.rules[3]" changed is rarely clearer than "parameters.rules".
    private static void ChangedPaths(JsonElement before, JsonElement after, string path, List<string> paths)
    {
        if (before.ValueKind == JsonValueKind.Object && after.ValueKind == JsonValueKind.Object)
        {
            var old = Properties(before);
            var now = Properties(after);
            foreach (var key in old.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
            {
                var child = path.Length == 0 ? key : string.Create(CultureInfo.InvariantCulture, $"{path}.{key}");
                ChangedPaths(old.TryGetValue(key, out var o) ? o : default, now.TryGetValue(key, out var n) ? n : default, child, paths);
            }

            return;
        }

        if (WorkflowFingerprint.Canonical(before) != WorkflowFingerprint.Canonical(after))
        {
            paths.Add(path);
        }
    }

    private static List<(string? Id, string Name, string Type, JsonElement Json)> Nodes(JsonElement workflow)
    {
        var nodes = new List<(string?, string, string, JsonElement)>();
        var list = Property(workflow, "nodes");
        if (list.ValueKind != JsonValueKind.Array)
        {
            return nodes;
        }

        foreach (var node in list.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.Object))
        {
            var name = Property(node, "name") is { ValueKind: JsonValueKind.String } n ? n.GetString()! : string.Empty;
            var id = Property(node, "id") is { ValueKind: JsonValueKind.String } i ? i.GetString() : null;
            var type = Property(node, "type") is { ValueKind: JsonValueKind.String } t ? t.GetString()! : string.Empty;
            nodes.Add((id, name, type, node));
        }

        return nodes;
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement element)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                properties[property.Name] = property.Value;
            }
        }

        return properties;
    }

    private static JsonElement Property(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;
}
