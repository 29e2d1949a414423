namespace Allixios.Caching;

/// <summary>The tag and dependency state of one process, for the embedded default (no Redis, one node).</summary>
public sealed class InMemoryCacheDependencyStore(TimeProvider time) : ICacheDependencyStore
{
    private readonly Lock _gate = new();

    // tag or key → dependent key → until when the edge is kept
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _tagged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _knownTags = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask TrackAsync(string key, IReadOnlyList<string> tags, IReadOnlyList<string> dependsOn, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(dependsOn);
        var until = time.GetUtcNow() + lifetime;
        lock (_gate)
        {
            foreach (var tag in tags)
            {
                AddEdge(_tagged, tag, key, until);
                _knownTags[tag] = Later(_knownTags.GetValueOrDefault(tag), until);
            }

            foreach (var dependency in dependsOn)
            {
                AddEdge(_dependents, dependency, key, until);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> IsKnownTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_knownTags.TryGetValue(tag, out var until) && until > time.GetUtcNow());
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyCollection<string>> TakeTaggedAsync(string tag, CancellationToken cancellationToken = default) => Take(_tagged, tag);

    /// <inheritdoc />
    public ValueTask<IReadOnlyCollection<string>> TakeDependentsAsync(string key, CancellationToken cancellationToken = default) => Take(_dependents, key);

    private ValueTask<IReadOnlyCollection<string>> Take(Dictionary<string, Dictionary<string, DateTimeOffset>> edges, string from)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!edges.Remove(from, out var dependents))
            {
                return ValueTask.FromResult<IReadOnlyCollection<string>>([]);
            }

            return ValueTask.FromResult<IReadOnlyCollection<string>>(dependents.Where(d => d.Value > now).Select(d => d.Key).ToArray());
        }
    }

    private static void AddEdge(Dictionary<string, Dictionary<string, DateTimeOffset>> edges, string from, string to, DateTimeOffset until)
    {
        if (!edges.TryGetValue(from, out var dependents))
        {
            dependents = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            edges[from] = dependents;
        }

        dependents[to] = Later(dependents.GetValueOrDefault(to), until);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
