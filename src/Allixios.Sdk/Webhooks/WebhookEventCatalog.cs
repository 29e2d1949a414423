namespace Allixios.Webhooks;

/// <summary>
/// The event types subscriptions may name: the job events, and whatever other capabilities registered with
/// <c>AddWebhookEventType</c>. A subscription naming a type not in it is refused, so a typo cannot subscribe to nothing.
/// </summary>
public sealed class WebhookEventCatalog
{
    private readonly Dictionary<string, WebhookEventType> _types;

    /// <summary>A catalog of <paramref name="types"/>; a name registered twice keeps its first description.</summary>
    public WebhookEventCatalog(IEnumerable<WebhookEventType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        _types = new(StringComparer.Ordinal);
        foreach (var type in types)
        {
            _types.TryAdd(type.Name, type);
        }
    }

    /// <summary>The job events every catalog holds.</summary>
    public static IReadOnlyList<WebhookEventType> JobEvents { get; } =
    [
        new(WebhookEventTypes.JobSucceeded, "A job succeeded."),
        new(WebhookEventTypes.JobFailed, "An attempt of a job failed; the job will be retried."),
        new(WebhookEventTypes.JobDeadLettered, "A job failed for good (out of attempts, past its deadline or its lease lost on the last attempt)."),
        new(WebhookEventTypes.JobCancelled, "A job was cancelled, by a caller or because a workflow dependency failed."),
    ];

    /// <summary>Every registered type, by name.</summary>
    public IReadOnlyList<WebhookEventType> All => [.. _types.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>Whether <paramref name="name"/> is registered.</summary>
    public bool Contains(string name) => _types.ContainsKey(name);

    /// <summary>The distinct names, in order; throws when one is not registered or none is given.</summary>
    /// <exception cref="AllixiosException">InvalidArgument (<c>invalid_event_types</c>, <c>unknown_event_type</c>).</exception>
    public IReadOnlyList<string> Validate(IEnumerable<string>? names)
    {
        var list = (names ?? []).Select(n => n?.Trim() ?? string.Empty).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            throw AllixiosException.Invalid("invalid_event_types", $"A webhook subscription needs at least one event type, e.g. '{WebhookEventTypes.JobSucceeded}'; the types are: {Names()}.");
        }

        foreach (var name in list)
        {
            if (!Contains(name))
            {
                throw AllixiosException.Invalid("unknown_event_type", $"'{name}' is not a webhook event type: use one of {Names()}.");
            }
        }

        return list;
    }

    private string Names() => string.Join(", ", _types.Keys.Order(StringComparer.Ordinal));
}
