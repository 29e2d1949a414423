namespace Allixios.Orchestration;

/// <summary>
/// Checks a workflow's shape before anything is enqueued: unique step names, dependencies that name other steps of the
/// workflow, and no cycle (the error spells the cycle out). The steps are then given in an order where each comes after
/// the steps it depends on.
/// </summary>
internal static class WorkflowPlan
{
    public const int MaxSteps = 100;
    private const int MaxNameLength = 100;

    /// <summary>The step indexes in dependency order.</summary>
    /// <exception cref="AllixiosException">InvalidArgument, reason <c>invalid_workflow</c>, saying which step is wrong and why.</exception>
    public static IReadOnlyList<int> Order(IReadOnlyList<WorkflowStep> steps)
    {
        if (steps.Count is 0 or > MaxSteps)
        {
            throw Invalid($"A workflow has {steps.Count} steps: send 1 to {MaxSteps}.");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var name = steps[i]?.Name;
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
            {
                throw Invalid($"steps[{i}] has no usable name: give each step a name of 1 to {MaxNameLength} characters, not blank.");
            }

            if (!index.TryAdd(name, i))
            {
                throw Invalid($"steps[{i}] is named '{name}' like steps[{index[name]}]: step names must be unique within a workflow.");
            }

            if (steps[i].Job is null)
            {
                throw Invalid($"Step '{name}' has no job.");
            }
        }

        foreach (var step in steps)
        {
            foreach (var dependency in step.DependsOn ?? [])
            {
                if (dependency == step.Name)
                {
                    throw Invalid($"Step '{step.Name}' depends on itself: a step can only depend on other steps.");
                }

                if (!index.ContainsKey(dependency ?? string.Empty))
                {
                    throw Invalid($"Step '{step.Name}' depends on '{dependency}', which is not a step of this workflow (steps: {string.Join(", ", index.Keys)}).");
                }
            }
        }

        // Depth-first search; a step met again while it is on the path closes a cycle, which the error lists in order.
        var order = new List<int>(steps.Count);
        var state = new byte[steps.Count]; // 0 unvisited, 1 on the current path, 2 done
        var path = new List<int>();
        for (var i = 0; i < steps.Count; i++)
        {
            Visit(i);
        }

        return order;

        void Visit(int i)
        {
            if (state[i] == 2)
            {
                return;
            }

            if (state[i] == 1)
            {
                var cycle = path.Skip(path.IndexOf(i)).Append(i).Select(s => steps[s].Name);
                throw Invalid($"The workflow's dependencies form a cycle, so none of its steps could ever run: {string.Join(" -> ", cycle)} (each step waits for the next). Remove one of these dependencies.");
            }

            state[i] = 1;
            path.Add(i);
            foreach (var dependency in (steps[i].DependsOn ?? []).Distinct(StringComparer.Ordinal))
            {
                Visit(index[dependency]);
            }

            path.RemoveAt(path.Count - 1);
            state[i] = 2;
            order.Add(i);
        }
    }

    private static AllixiosException Invalid(string message) => AllixiosException.Invalid("invalid_workflow", message);
}
