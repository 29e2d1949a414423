namespace Allixios.N8nBridge;

/// <summary>One connection of a workflow: a source node's output into a target node's input.</summary>
/// <param name="Source">The source node's name.</param>
/// <param name="SourceType">The output's type, usually <c>main</c> (AI nodes use <c>ai_tool</c>, <c>ai_languageModel</c>, …).</param>
/// <param name="SourceIndex">Which output of the source (an If node's true branch is 0, false 1).</param>
/// <param name="Target">The target node's name.</param>
/// <param name="TargetType">The input's type.</param>
/// <param name="TargetIndex">Which input of the target.</param>
public sealed record WorkflowEdge(string Source, string SourceType, int SourceIndex, string Target, string TargetType, int TargetIndex)
{
    /// <inheritdoc />
    public override string ToString() => $"{Source}[{SourceType}:{SourceIndex}] -> {Target}[{TargetType}:{TargetIndex}]";
}
