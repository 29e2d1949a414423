using System.Text.Json;

namespace Allixios.N8nBridge;

/// <summary>Reads n8n's connections object as a list of edges.</summary>
internal static class WorkflowGraph
{
    /// <summary>
    /// Every edge of <paramref name="connections"/>: <c>{"A": {"main": [[{"node": "B", "type": "main", "index": 0}]]}}</c>
    /// is A's output 0 of type main into B's input 0. Malformed parts are skipped (validation reports them).
    /// </summary>
    public static IEnumerable<WorkflowEdge> Edges(JsonElement connections)
    {
        if (connections.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var source in connections.EnumerateObject())
        {
            if (source.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var outputType in source.Value.EnumerateObject())
            {
                if (outputType.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                var outputIndex = 0;
                foreach (var output in outputType.Value.EnumerateArray())
                {
                    if (output.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var target in output.EnumerateArray())
                        {
                            if (target.ValueKind == JsonValueKind.Object && target.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String)
                            {
                                var type = target.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : outputType.Name;
                                var index = target.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var value) ? value : 0;
                                yield return new WorkflowEdge(source.Name, outputType.Name, outputIndex, node.GetString()!, type, index);
                            }
                        }
                    }

                    outputIndex++;
                }
            }
        }
    }
}
