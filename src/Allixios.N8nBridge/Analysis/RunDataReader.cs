using System.Text.Json;

namespace Allixios.N8nBridge.Analysis;

/// <summary>Reads the node runs of an execution's run data, tolerating what older n8n versions leave out.</summary>
public static class RunDataReader
{
    /// <summary>
    /// Every node run of <paramref name="execution"/> (empty when it was read without <c>includeData</c>, or n8n saved no
    /// data for it), in start order.
    /// </summary>
    public static IReadOnlyList<NodeRun> Read(N8nExecution execution)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var runs = new List<NodeRun>();
        if (execution.Data is not { ValueKind: JsonValueKind.Object } data
            || !data.TryGetProperty("resultData", out var result) || result.ValueKind != JsonValueKind.Object
            || !result.TryGetProperty("runData", out var runData) || runData.ValueKind != JsonValueKind.Object)
        {
            return runs;
        }

        foreach (var node in runData.EnumerateObject())
        {
            if (node.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var index = 0;
            foreach (var task in node.Value.EnumerateArray())
            {
                if (task.ValueKind == JsonValueKind.Object)
                {
                    runs.Add(ReadTask(execution.Id, node.Name, index, task));
                }

                index++;
            }
        }

        runs.Sort((a, b) => a.StartTime != b.StartTime ? a.StartTime.CompareTo(b.StartTime) : string.CompareOrdinal(a.Node, b.Node));
        return runs;
    }

    private static NodeRun ReadTask(string executionId, string node, int index, JsonElement task)
    {
        var start = task.TryGetProperty("startTime", out var s) && s.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeMilliseconds((long)s.GetDouble()) : DateTimeOffset.MinValue;
        var time = task.TryGetProperty("executionTime", out var t) && t.ValueKind == JsonValueKind.Number ? TimeSpan.FromMilliseconds(Math.Max(0, t.GetDouble())) : TimeSpan.Zero;
        string? error = null;
        if (task.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object)
        {
            error = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "error";
        }

        // executionStatus arrived in n8n 1.x; before it, an error object was the only sign of a failed run.
        var status = task.TryGetProperty("executionStatus", out var st) && st.ValueKind == JsonValueKind.String
            ? st.GetString()!
            : error is null ? "success" : "error";
        string? previous = null;
        var previousRun = 0;
        if (task.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.Array && source.GetArrayLength() > 0
            && source[0] is { ValueKind: JsonValueKind.Object } first)
        {
            previous = first.TryGetProperty("previousNode", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            previousRun = first.TryGetProperty("previousNodeRun", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var run) ? run : 0;
        }

        return new NodeRun(executionId, node, index, start, time, status, error, previous, previousRun);
    }
}
