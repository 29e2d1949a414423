using Allixios.Search.Hybrid;

namespace Allixios.Search.Analytics;

/// <summary>One query as the query log keeps it.</summary>
/// <param name="QueryId">The id the searcher quotes when recording a click on one of its hits.</param>
/// <param name="Text">The query text as asked (at most 10,000 characters).</param>
/// <param name="Mode">The mode it ran in (an experiment's arm may have chosen it).</param>
/// <param name="ResultCount">How many documents matched, over all pages; 0 makes it a zero-result query.</param>
/// <param name="Latency">How long it took to answer, result cache included.</param>
/// <param name="At">When it was asked.</param>
public sealed record SearchQueryLogEntry(Guid QueryId, string Text, SearchMode Mode, long ResultCount, TimeSpan Latency, DateTimeOffset At)
{
    /// <summary>The experiment the query took part in, if any.</summary>
    public string? ExperimentId { get; init; }

    /// <summary>The experiment's arm the searcher was assigned to, if any.</summary>
    public string? Arm { get; init; }

    /// <summary>The user or session id the searcher gave, if any (1 to 200 characters).</summary>
    public string? UserId { get; init; }

    /// <summary>The text the reports group by: <see cref="Text"/> trimmed, inner white space collapsed, lower-cased.</summary>
    public string NormalizedText => SearchQueryText.Normalize(Text);
}
