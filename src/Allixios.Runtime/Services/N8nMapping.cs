using System.Text.Json;
using Allixios.N8nBridge;
using Allixios.N8nBridge.Analysis;
using Allixios.N8nBridge.Versioning;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Wire = Allixios.Runtime.Contracts.V1;

namespace Allixios.Runtime.Services;

/// <summary>Between the bridge's types (n8n's JSON) and the contract's (protobuf Struct, ListValue, Value).</summary>
internal static class N8nMapping
{
    public static Wire.N8nWorkflow Workflow(N8nWorkflow workflow)
    {
        var wire = new Wire.N8nWorkflow
        {
            Id = workflow.Id,
            Name = workflow.Name,
            Active = workflow.Active,
            VersionId = workflow.VersionId ?? string.Empty,
            Nodes = workflow.Nodes.ValueKind == JsonValueKind.Array ? ListValue.Parser.ParseJson(workflow.Nodes.GetRawText()) : new ListValue(),
            Connections = workflow.Connections.ValueKind == JsonValueKind.Object ? Struct.Parser.ParseJson(workflow.Connections.GetRawText()) : new Struct(),
            Settings = workflow.Settings is { ValueKind: JsonValueKind.Object } settings ? Struct.Parser.ParseJson(settings.GetRawText()) : new Struct(),
            StaticData = workflow.StaticData is { } staticData ? Value.Parser.ParseJson(staticData.GetRawText()) : Value.ForNull(),
        };
        if (workflow.CreatedAt is { } created)
        {
            wire.CreatedAt = Timestamp.FromDateTimeOffset(created);
        }

        if (workflow.UpdatedAt is { } updated)
        {
            wire.UpdatedAt = Timestamp.FromDateTimeOffset(updated);
        }

        wire.Tags.Add(workflow.Tags.Select(t => new Wire.N8nTag { Id = t.Id, Name = t.Name }));
        return wire;
    }

    /// <summary>The definition sent in a request, checked by the bridge (400 <c>n8n_workflow_invalid</c> naming what to fix).</summary>
    public static N8nWorkflowDefinition Definition(string name, ListValue? nodes, Struct? connections, Struct? settings, Value? staticData)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            if (nodes is not null)
            {
                writer.WritePropertyName("nodes");
                writer.WriteRawValue(JsonFormatter.Default.Format(nodes));
            }

            if (connections is not null)
            {
                writer.WritePropertyName("connections");
                writer.WriteRawValue(JsonFormatter.Default.Format(connections));
            }

            if (settings is not null)
            {
                writer.WritePropertyName("settings");
                writer.WriteRawValue(JsonFormatter.Default.Format(settings));
            }

            if (staticData is not null)
            {
                writer.WritePropertyName("staticData");
                writer.WriteRawValue(JsonFormatter.Default.Format(staticData));
            }

            writer.WriteEndObject();
        }

        return N8nWorkflowDefinition.Parse(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public static Wire.N8nWorkflowVersion Version(WorkflowVersion version, bool withDefinition) => new()
    {
        WorkflowId = version.WorkflowId,
        Version = version.Version,
        Name = version.Name,
        Active = version.Active,
        Hash = version.Hash,
        Source = version.Source == WorkflowVersionSource.Sync ? "sync" : "bridge",
        Change = Change(version.Change),
        Author = version.Author,
        Note = version.Note,
        N8NVersionId = version.N8nVersionId ?? string.Empty,
        CreatedAt = Timestamp.FromDateTimeOffset(version.CreatedAt),
        Definition = withDefinition ? Struct.Parser.ParseJson(version.Definition) : null,
    };

    public static Wire.N8nWorkflowDiff Diff(WorkflowDiff diff)
    {
        var wire = new Wire.N8nWorkflowDiff
        {
            WorkflowId = diff.WorkflowId,
            FromVersion = diff.FromVersion,
            ToVersion = diff.ToVersion,
            Name = diff.Name is { } name ? new Wire.N8nValueChange { Before = name.Before, After = name.After } : null,
            Active = diff.Active is { } active ? new Wire.N8nValueChange { Before = active.Before, After = active.After } : null,
            Empty = diff.IsEmpty,
        };
        wire.NodesAdded.Add(diff.NodesAdded);
        wire.NodesRemoved.Add(diff.NodesRemoved);
        wire.NodesChanged.Add(diff.NodesChanged.Select(n =>
        {
            var change = new Wire.N8nNodeChange { Name = n.Name, Type = n.Type };
            change.ChangedPaths.Add(n.ChangedPaths);
            return change;
        }));
        wire.ConnectionsAdded.Add(diff.ConnectionsAdded.Select(Connection));
        wire.ConnectionsRemoved.Add(diff.ConnectionsRemoved.Select(Connection));
        wire.SettingsChanged.Add(diff.SettingsChanged.Select(s => new Wire.N8nSettingChange { Key = s.Key, Before = s.Before, After = s.After }));
        return wire;
    }

    public static Wire.N8nExecutionAnalysis Analysis(ExecutionAnalysis analysis)
    {
        var wire = new Wire.N8nExecutionAnalysis
        {
            Executions = analysis.Executions,
            ExecutionsWithoutData = analysis.ExecutionsWithoutData,
            FailedExecutions = analysis.FailedExecutions,
            From = analysis.From is { } from ? Timestamp.FromDateTimeOffset(from) : null,
            To = analysis.To is { } to ? Timestamp.FromDateTimeOffset(to) : null,
            TotalNodeMilliseconds = analysis.TotalNodeMilliseconds,
        };
        wire.Nodes.Add(analysis.Nodes.Select(n => new Wire.N8nNodeStatistics
        {
            Node = n.Node,
            Runs = n.Runs,
            Executions = n.Executions,
            FailedRuns = n.FailedRuns,
            FailedExecutions = n.FailedExecutions,
            FailureRate = n.FailureRate,
            P50Milliseconds = n.P50Milliseconds,
            P95Milliseconds = n.P95Milliseconds,
            MaxMilliseconds = n.MaxMilliseconds,
            MeanMilliseconds = n.MeanMilliseconds,
            TotalMilliseconds = n.TotalMilliseconds,
            ShareOfRunTime = n.ShareOfRunTime,
            MaxRunsInOneExecution = n.MaxRunsInOneExecution,
            RunsAfterFailure = n.RunsAfterFailure,
            LongestWaitMilliseconds = n.LongestWaitMilliseconds,
            MostCommonError = n.MostCommonError ?? string.Empty,
        }));
        wire.SlowestNodes.Add(analysis.SlowestNodes.Select(n => n.Node));
        wire.MostFailingNodes.Add(analysis.MostFailingNodes.Select(n => n.Node));
        wire.Recommendations.Add(analysis.Recommendations.Select(r =>
        {
            var recommendation = new Wire.N8nRecommendation { Kind = Kind(r.Kind), Node = r.Node ?? string.Empty, Message = r.Message };
            foreach (var (name, value) in r.Evidence)
            {
                recommendation.Evidence[name] = value;
            }

            return recommendation;
        }));
        return wire;
    }

    private static Wire.N8nConnection Connection(WorkflowEdge edge) => new()
    {
        Source = edge.Source,
        SourceType = edge.SourceType,
        SourceIndex = edge.SourceIndex,
        Target = edge.Target,
        TargetType = edge.TargetType,
        TargetIndex = edge.TargetIndex,
    };

    private static string Change(WorkflowChange change) => change switch
    {
        WorkflowChange.Created => "created",
        WorkflowChange.Updated => "updated",
        WorkflowChange.Activated => "activated",
        WorkflowChange.Deactivated => "deactivated",
        WorkflowChange.RolledBack => "rolled_back",
        _ => "synced",
    };

    private static string Kind(RecommendationKind kind) => kind switch
    {
        RecommendationKind.DominantNode => "dominant_node",
        RecommendationKind.RetryStorm => "retry_storm",
        RecommendationKind.FrequentFailures => "frequent_failures",
        _ => "long_wait",
    };
}
