using System.Globalization;
using Microsoft.Extensions.Options;

namespace Allixios.N8nBridge.Analysis;

/// <summary>
/// Turns executions' run data into per-node statistics (runs, p50/p95/max time, failure rate, share of the run time),
/// the slowest and most failing nodes, and recommendations when a threshold of <see cref="ExecutionAnalysisOptions"/>
/// is crossed: a node that dominates the run time, a retry storm, a node failing too often, long waits between nodes.
/// </summary>
public sealed class ExecutionAnalyzer(IOptions<ExecutionAnalysisOptions> options)
{
    private readonly ExecutionAnalysisOptions _options = options.Value;

    /// <summary>Analyses <paramref name="executions"/> (read with their run data).</summary>
    public ExecutionAnalysis Analyze(IEnumerable<N8nExecution> executions)
    {
        ArgumentNullException.ThrowIfNull(executions);
        var list = executions.ToList();
        var runs = list.SelectMany(RunDataReader.Read).ToList();
        var total = runs.Sum(r => r.ExecutionTime.TotalMilliseconds);
        var waits = Waits(runs);
        var nodes = runs
            .GroupBy(r => r.Node, StringComparer.Ordinal)
            .Select(g => Statistics(g.Key, [.. g], total, waits.TryGetValue(g.Key, out var w) ? w : []))
            .OrderByDescending(n => n.TotalMilliseconds)
            .ThenBy(n => n.Node, StringComparer.Ordinal)
            .ToList();
        var starts = list.Where(e => e.StartedAt is not null).Select(e => e.StartedAt!.Value).ToList();

        return new ExecutionAnalysis
        {
            Executions = list.Count,
            ExecutionsWithoutData = list.Count(e => RunDataReader.Read(e).Count == 0),
            FailedExecutions = list.Count(e => e.Status is "error" or "crashed"),
            From = starts.Count == 0 ? null : starts.Min(),
            To = starts.Count == 0 ? null : starts.Max(),
            TotalNodeMilliseconds = total,
            Nodes = nodes,
            SlowestNodes = [.. nodes.OrderByDescending(n => n.P95Milliseconds).ThenBy(n => n.Node, StringComparer.Ordinal).Take(_options.TopNodes)],
            MostFailingNodes = [.. nodes.Where(n => n.FailedRuns > 0).OrderByDescending(n => n.FailureRate).ThenByDescending(n => n.FailedRuns).ThenBy(n => n.Node, StringComparer.Ordinal).Take(_options.TopNodes)],
            Recommendations = Recommend(list, runs, nodes),
        };
    }

    private static NodeStatistics Statistics(string node, List<NodeRun> runs, double total, List<double> waits)
    {
        var times = runs.Select(r => r.ExecutionTime.TotalMilliseconds).Order().ToList();
        var byExecution = runs.GroupBy(r => r.ExecutionId, StringComparer.Ordinal).ToList();
        var failedExecutions = byExecution.Count(g => g.Any(r => r.Failed));
        var runsAfterFailure = byExecution.Sum(g =>
        {
            var ordered = g.OrderBy(r => r.RunIndex).ToList();
            var firstFailure = ordered.FindIndex(r => r.Failed);
            return firstFailure < 0 ? 0 : ordered.Count - firstFailure - 1;
        });
        var mostCommonError = runs.Where(r => r.Error is not null)
            .GroupBy(r => r.Error!, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .FirstOrDefault();
        var sum = times.Sum();
        return new NodeStatistics
        {
            Node = node,
            Runs = runs.Count,
            Executions = byExecution.Count,
            FailedRuns = runs.Count(r => r.Failed),
            FailedExecutions = failedExecutions,
            FailureRate = byExecution.Count == 0 ? 0 : (double)failedExecutions / byExecution.Count,
            P50Milliseconds = Percentile(times, 0.50),
            P95Milliseconds = Percentile(times, 0.95),
            MaxMilliseconds = times.Count == 0 ? 0 : times[^1],
            MeanMilliseconds = times.Count == 0 ? 0 : sum / times.Count,
            TotalMilliseconds = sum,
            ShareOfRunTime = total <= 0 ? 0 : sum / total,
            MaxRunsInOneExecution = byExecution.Count == 0 ? 0 : byExecution.Max(g => g.Count()),
            RunsAfterFailure = runsAfterFailure,
            LongestWaitMilliseconds = waits.Count == 0 ? 0 : waits.Max(),
            MostCommonError = mostCommonError,
        };
    }

    // Nearest rank: the smallest value with at least p of the values at or below it.
    private static double Percentile(List<double> sorted, double p)
        => sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    // The idle time before each run: from the end of the run that fed it to its start.
    private static Dictionary<string, List<double>> Waits(List<NodeRun> runs)
    {
        var byKey = runs.ToLookup(r => (r.ExecutionId, r.Node, r.RunIndex));
        var waits = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var run in runs.Where(r => r.PreviousNode is not null))
        {
            var feeder = byKey[(run.ExecutionId, run.PreviousNode!, run.PreviousNodeRun)].FirstOrDefault();
            if (feeder is null)
            {
                continue;
            }

            var gap = (run.StartTime - feeder.EndTime).TotalMilliseconds;
            if (gap > 0)
            {
                if (!waits.TryGetValue(run.Node, out var list))
                {
                    waits[run.Node] = list = [];
                }

                list.Add(gap);
            }
        }

        return waits;
    }

    private List<ExecutionRecommendation> Recommend(List<N8nExecution> executions, List<NodeRun> runs, List<NodeStatistics> nodes)
    {
        var recommendations = new List<ExecutionRecommendation>();
        foreach (var node in nodes.Where(n => n.ShareOfRunTime > _options.DominantNodeShare))
        {
            recommendations.Add(new(
                RecommendationKind.DominantNode,
                node.Node,
                Text($"'{node.Node}' takes {node.ShareOfRunTime * 100:0}% of the run time (p50 {node.P50Milliseconds:0} ms, p95 {node.P95Milliseconds:0} ms, max {node.MaxMilliseconds:0} ms over {node.Runs} runs; threshold {_options.DominantNodeShare * 100:0}%). Speed it up first: cache or batch its calls, run it asynchronously (enqueue a job and continue on its webhook), or split its input."),
                Evidence(("share", node.ShareOfRunTime), ("threshold", _options.DominantNodeShare), ("p50_ms", node.P50Milliseconds), ("p95_ms", node.P95Milliseconds), ("max_ms", node.MaxMilliseconds), ("runs", node.Runs))));
        }

        foreach (var node in nodes)
        {
            var stormy = runs.Where(r => r.Node == node.Node)
                .GroupBy(r => r.ExecutionId, StringComparer.Ordinal)
                .Where(g => g.Count() >= _options.RetryStormRuns && g.Any(r => r.Failed))
                .ToList();
            if (stormy.Count > 0)
            {
                var worst = stormy.OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
                var wasted = stormy.Sum(g => g.Where(r => r.Failed).Sum(r => r.ExecutionTime.TotalMilliseconds));
                recommendations.Add(new(
                    RecommendationKind.RetryStorm,
                    node.Node,
                    Text($"'{node.Node}' ran {worst.Count()} times in execution {worst.Key} and {_options.RetryStormRuns} or more times with failures in {stormy.Count} of {node.Executions} executions ({node.RunsAfterFailure} runs after a failure, {wasted:0} ms spent on failed runs; threshold {_options.RetryStormRuns} runs). Stop the storm: fix the cause of '{node.MostCommonError ?? "its failures"}', wait between tries (Retry On Fail with Wait Between Tries, or a Wait node with backoff), and cap the tries."),
                    Evidence(("max_runs_in_one_execution", worst.Count()), ("executions_with_storm", stormy.Count), ("executions", node.Executions), ("runs_after_failure", node.RunsAfterFailure), ("failed_ms", wasted), ("threshold_runs", _options.RetryStormRuns))));
            }
        }

        var retriesByOriginal = executions.Where(e => e.RetryOf is not null).GroupBy(e => e.RetryOf!, StringComparer.Ordinal).Where(g => g.Count() >= _options.RetryStormRuns).ToList();
        if (retriesByOriginal.Count > 0)
        {
            var worst = retriesByOriginal.OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
            recommendations.Add(new(
                RecommendationKind.RetryStorm,
                null,
                Text($"Execution {worst.Key} was retried {worst.Count()} times ({retriesByOriginal.Count} executions retried {_options.RetryStormRuns} or more times; threshold {_options.RetryStormRuns}). Find why it fails before retrying again: retries of an execution repeat every node, including those that already succeeded."),
                Evidence(("max_retries", worst.Count()), ("executions_retried", retriesByOriginal.Count), ("threshold_runs", _options.RetryStormRuns))));
        }

        foreach (var node in nodes.Where(n => n.Executions >= _options.MinimumExecutions && n.FailureRate > _options.FailureRateThreshold).OrderByDescending(n => n.FailureRate))
        {
            recommendations.Add(new(
                RecommendationKind.FrequentFailures,
                node.Node,
                Text($"'{node.Node}' failed in {node.FailedExecutions} of {node.Executions} executions ({node.FailureRate * 100:0}%; threshold {_options.FailureRateThreshold * 100:0}%), most often with '{node.MostCommonError ?? "an error"}'. Handle it: fix its input or credentials, set On Error to continue through the error output and route failures, or retry on fail with a wait when the cause is transient."),
                Evidence(("failure_rate", node.FailureRate), ("failed_executions", node.FailedExecutions), ("executions", node.Executions), ("threshold", _options.FailureRateThreshold))));
        }

        var longWait = _options.LongWait.TotalMilliseconds;
        foreach (var node in nodes.Where(n => n.LongestWaitMilliseconds > longWait).OrderByDescending(n => n.LongestWaitMilliseconds))
        {
            var feeders = runs.Where(r => r.Node == node.Node && r.PreviousNode is not null).Select(r => r.PreviousNode!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            recommendations.Add(new(
                RecommendationKind.LongWait,
                node.Node,
                Text($"'{node.Node}' started up to {node.LongestWaitMilliseconds / 1000:0.0} s after '{string.Join("', '", feeders)}' finished (threshold {longWait / 1000:0.0} s). If it is a Wait node or waits on a webhook, check that the wait is intended; otherwise the worker or queue is saturated: add workers, or lower the concurrency of the workflows around it."),
                Evidence(("longest_wait_ms", node.LongestWaitMilliseconds), ("threshold_ms", longWait))));
        }

        return recommendations;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, double> Evidence(params (string Name, double Value)[] figures)
        => figures.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);
}
