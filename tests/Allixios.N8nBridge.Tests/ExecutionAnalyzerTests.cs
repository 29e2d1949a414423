using System.Globalization;
using System.Text;
using System.Text.Json;
using Allixios.N8nBridge.Analysis;
using Microsoft.Extensions.Options;

namespace Allixios.N8nBridge.Tests;

/// <summary>Execution analysis on run data shaped as n8n 2.8 saves it.</summary>
public sealed class ExecutionAnalyzerTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void Per_node_statistics_come_from_the_run_data_of_real_executions()
    {
        var analysis = Analyzer().Analyze([Parse(N8nPayloads.SucceededExecution), Parse(N8nPayloads.FailedExecution)]);

        Assert.Equal(2, analysis.Executions);
        Assert.Equal(1, analysis.FailedExecutions);
        Assert.Equal(0, analysis.ExecutionsWithoutData);
        Assert.Equal(2 + 2900 + 250 + 1 + 950, analysis.TotalNodeMilliseconds);
        var generate = analysis.Nodes[0];
        Assert.Equal("Generate article", generate.Node);
        Assert.Equal((2, 2, 1, 1, 0.5), (generate.Runs, generate.Executions, generate.FailedRuns, generate.FailedExecutions, generate.FailureRate));
        Assert.Equal((950, 2900, 2900, 1925), (generate.P50Milliseconds, generate.P95Milliseconds, generate.MaxMilliseconds, generate.MeanMilliseconds));
        Assert.Equal(3850.0 / 4103, generate.ShareOfRunTime, precision: 6);
        Assert.Equal("The service was not able to process your request", generate.MostCommonError);
        Assert.Equal(["Generate article", "Index for search", "Webhook"], analysis.SlowestNodes.Select(n => n.Node));
        Assert.Equal("Generate article", Assert.Single(analysis.MostFailingNodes).Node);
    }

    [Fact]
    public void A_node_taking_most_of_the_run_time_is_named_with_its_share_and_times()
    {
        var analysis = Analyzer().Analyze([Parse(N8nPayloads.SucceededExecution)]);

        var recommendation = Assert.Single(analysis.Recommendations, r => r.Kind == RecommendationKind.DominantNode);
        Assert.Equal("Generate article", recommendation.Node);
        Assert.Equal(2900.0 / 3152, recommendation.Evidence["share"], precision: 6);
        Assert.Equal(0.5, recommendation.Evidence["threshold"]);
        Assert.Contains("'Generate article' takes 92% of the run time", recommendation.Message, StringComparison.Ordinal);
        Assert.Contains("p95 2900 ms", recommendation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_node_dominates_below_the_configured_share()
    {
        var analysis = Analyzer(o => o.DominantNodeShare = 0.95).Analyze([Parse(N8nPayloads.SucceededExecution)]);

        Assert.DoesNotContain(analysis.Recommendations, r => r.Kind == RecommendationKind.DominantNode);
    }

    [Fact]
    public void Many_runs_of_a_failing_node_in_one_execution_are_a_retry_storm()
    {
        // An HTTP node looping back on error five times before it gives up, in one execution; a clean one beside it.
        var storm = Execution("2001", "error", ("Webhook", 0, 1, "success", null), ("Call API", 5, 400, "error", "ECONNRESET"), ("Call API", 410, 400, "error", "ECONNRESET"), ("Call API", 820, 400, "error", "ECONNRESET"), ("Call API", 1230, 400, "error", "ECONNRESET"), ("Call API", 1640, 380, "success", null));
        var calm = Execution("2002", "success", ("Webhook", 0, 1, "success", null), ("Call API", 5, 120, "success", null));

        var analysis = Analyzer().Analyze([storm, calm]);

        var recommendation = Assert.Single(analysis.Recommendations, r => r.Kind == RecommendationKind.RetryStorm);
        Assert.Equal("Call API", recommendation.Node);
        Assert.Equal(5, recommendation.Evidence["max_runs_in_one_execution"]);
        Assert.Equal(1, recommendation.Evidence["executions_with_storm"]);
        Assert.Equal(4, recommendation.Evidence["runs_after_failure"]);
        Assert.Equal(1600, recommendation.Evidence["failed_ms"]);
        Assert.Contains("ran 5 times in execution 2001", recommendation.Message, StringComparison.Ordinal);
        Assert.Contains("ECONNRESET", recommendation.Message, StringComparison.Ordinal);
        Assert.Equal(5, analysis.Nodes.Single(n => n.Node == "Call API").MaxRunsInOneExecution);
    }

    [Fact]
    public void A_loop_that_never_fails_is_not_a_retry_storm()
    {
        var loop = Execution("2101", "success", ("Split", 0, 5, "success", null), ("Item", 10, 50, "success", null), ("Item", 70, 50, "success", null), ("Item", 130, 50, "success", null), ("Item", 190, 50, "success", null));

        var analysis = Analyzer().Analyze([loop]);

        Assert.DoesNotContain(analysis.Recommendations, r => r.Kind == RecommendationKind.RetryStorm);
    }

    [Fact]
    public void An_execution_retried_again_and_again_is_a_retry_storm_of_the_workflow()
    {
        var original = Execution("3000", "error", ("Webhook", 0, 1, "success", null));
        var retries = Enumerable.Range(1, 3).Select(i => Execution((3000 + i).ToString(CultureInfo.InvariantCulture), "error", ("Webhook", 0, 1, "success", null)) with { Mode = "retry", RetryOf = "3000" });

        var analysis = Analyzer().Analyze([original, .. retries]);

        var recommendation = Assert.Single(analysis.Recommendations, r => r.Kind == RecommendationKind.RetryStorm);
        Assert.Null(recommendation.Node);
        Assert.Equal(3, recommendation.Evidence["max_retries"]);
        Assert.Contains("Execution 3000 was retried 3 times", recommendation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_failing_in_more_executions_than_the_threshold_is_reported_with_its_rate_and_error()
    {
        var executions = Enumerable.Range(0, 10).Select(i => Execution(
            (4000 + i).ToString(CultureInfo.InvariantCulture),
            i < 3 ? "error" : "success",
            ("Webhook", 0, 1, "success", null),
            ("Translate", 5, 200, i < 3 ? "error" : "success", i < 3 ? "429 Too Many Requests" : null))).ToList();

        var analysis = Analyzer().Analyze(executions);
        var strict = Analyzer(o => o.FailureRateThreshold = 0.5).Analyze(executions);

        var recommendation = Assert.Single(analysis.Recommendations, r => r.Kind == RecommendationKind.FrequentFailures);
        Assert.Equal("Translate", recommendation.Node);
        Assert.Equal(0.3, recommendation.Evidence["failure_rate"], precision: 6);
        Assert.Equal(3, recommendation.Evidence["failed_executions"]);
        Assert.Equal(10, recommendation.Evidence["executions"]);
        Assert.Contains("failed in 3 of 10 executions (30%; threshold 20%)", recommendation.Message, StringComparison.Ordinal);
        Assert.Contains("429 Too Many Requests", recommendation.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(strict.Recommendations, r => r.Kind == RecommendationKind.FrequentFailures);
    }

    [Fact]
    public void Too_few_executions_are_not_judged_on_their_failure_rate()
    {
        var analysis = Analyzer().Analyze([Parse(N8nPayloads.FailedExecution)]);

        Assert.DoesNotContain(analysis.Recommendations, r => r.Kind == RecommendationKind.FrequentFailures);
        Assert.Equal(1.0, analysis.Nodes.Single(n => n.Node == "Generate article").FailureRate);
    }

    [Fact]
    public void A_long_gap_between_a_node_and_the_one_it_feeds_is_a_long_wait()
    {
        // "Notify" starts 45 s after "Publish" ended (a queue-mode worker that was busy, or a Wait node).
        var slow = Execution("5000", "success", ("Publish", 0, 100, "success", null), ("Notify", 45_100, 20, "success", null));

        var analysis = Analyzer().Analyze([slow]);

        var recommendation = Assert.Single(analysis.Recommendations, r => r.Kind == RecommendationKind.LongWait);
        Assert.Equal("Notify", recommendation.Node);
        Assert.Equal(45_000, recommendation.Evidence["longest_wait_ms"]);
        Assert.Equal(10_000, recommendation.Evidence["threshold_ms"]);
        Assert.Contains("started up to 45.0 s after 'Publish' finished", recommendation.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Analyzer(o => o.LongWait = TimeSpan.FromMinutes(1)).Analyze([slow]).Recommendations, r => r.Kind == RecommendationKind.LongWait);
    }

    [Fact]
    public void Executions_listed_without_their_data_are_counted_and_add_no_statistics()
    {
        var bare = JsonSerializer.Deserialize<N8nExecution>("""{"id":"1","finished":true,"mode":"trigger","status":"success","startedAt":"2026-02-01T09:00:00.000Z","stoppedAt":"2026-02-01T09:00:01.000Z","workflowId":"w"}""")!;

        var analysis = Analyzer().Analyze([bare]);

        Assert.Equal(1, analysis.ExecutionsWithoutData);
        Assert.Empty(analysis.Nodes);
        Assert.Empty(analysis.Recommendations);
    }

    [Fact]
    public void Thresholds_out_of_range_are_refused_at_start_with_the_range()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.N8nWorkflowManagementServiceCollectionExtensions.AddN8nWorkflowManagement(services, o => o.DominantNodeShare = 2);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        var error = Assert.Throws<OptionsValidationException>(() => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IOptions<ExecutionAnalysisOptions>>(provider).Value);

        Assert.Contains("DominantNodeShare", error.Message, StringComparison.Ordinal);
    }

    private static ExecutionAnalyzer Analyzer(Action<ExecutionAnalysisOptions>? configure = null)
    {
        var options = new ExecutionAnalysisOptions();
        configure?.Invoke(options);
        return new ExecutionAnalyzer(Options.Create(options));
    }

    private static N8nExecution Parse(string json) => JsonSerializer.Deserialize<N8nExecution>(json)!;

    // Builds an execution as n8n saves it: each node's runs in order, each fed by the previous run listed.
    private static N8nExecution Execution(string id, string status, params (string Node, long Start, long Time, string Status, string? Error)[] runs)
    {
        var runData = new StringBuilder();
        var previous = (Node: (string?)null, Run: 0);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var byNode = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var index = counts.GetValueOrDefault(run.Node);
            counts[run.Node] = index + 1;
            var source = previous.Node is null ? "[]" : $$"""[{"previousNode":"{{previous.Node}}","previousNodeRun":{{previous.Run}}}]""";
            var error = run.Error is null ? string.Empty : $$""","error":{"message":"{{run.Error}}","name":"NodeApiError"}""";
            if (!byNode.TryGetValue(run.Node, out var list))
            {
                byNode[run.Node] = list = [];
            }

            list.Add($$$"""{"hints":[],"startTime":{{{T0 + run.Start}}},"executionIndex":{{{list.Count}}},"source":{{{source}}},"executionTime":{{{run.Time}}},"executionStatus":"{{{run.Status}}}"{{{error}}},"data":{"main":[[{"json":{}}]]}}""");
            previous = (run.Node, index);
        }

        runData.Append(string.Join(',', byNode.Select(n => $"\"{n.Key}\":[{string.Join(',', n.Value)}]")));
        var json = $$"""{"id":"{{id}}","finished":true,"mode":"webhook","status":"{{status}}","startedAt":"2026-02-01T09:00:00.000Z","stoppedAt":"2026-02-01T09:01:00.000Z","workflowId":"w1","data":{"resultData":{"runData":""" + "{" + runData + "}}}}";
        return Parse(json);
    }
}
