namespace Allixios.Search.Analytics;

/// <summary>Another document that users of a source document also interacted with.</summary>
/// <param name="DocumentId">The other document.</param>
/// <param name="SharedUsers">How many distinct users or sessions interacted with both.</param>
/// <param name="Users">How many distinct users or sessions interacted with the other document.</param>
public sealed record CoOccurrence(string DocumentId, long SharedUsers, long Users);
