namespace Allixios.Orchestration;

/// <summary>One edge of a workflow: <paramref name="JobId"/> runs only after <paramref name="DependsOn"/> succeeded.</summary>
/// <param name="JobId">The waiting job.</param>
/// <param name="DependsOn">The job it waits for.</param>
public sealed record JobDependency(Guid JobId, Guid DependsOn);
