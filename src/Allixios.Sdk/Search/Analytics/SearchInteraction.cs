namespace Allixios.Search.Analytics;

/// <summary>A user or session viewed or clicked a document: what "also viewed" recommendations are made from.</summary>
/// <param name="UserId">A user id or a session id: 1 to 200 characters, no control characters.</param>
/// <param name="DocumentId">The document.</param>
/// <param name="Kind">View or click.</param>
/// <param name="At">When.</param>
public sealed record SearchInteraction(string UserId, string DocumentId, InteractionKind Kind, DateTimeOffset At);
