using System.ComponentModel.DataAnnotations;

namespace Allixios.Search.Discovery;

/// <summary>Settings of result caching, recommendations and analytics, bound from <c>Allixios:Search:Discovery</c>.</summary>
public sealed class SearchDiscoveryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Search:Discovery";

    /// <summary>
    /// Whether query results are cached through <c>IAllixiosCache</c> (when <c>AddCaching</c> is called), per tenant,
    /// normalised query and options, and dropped whenever the tenant's index changes. Default: <see langword="true"/>.
    /// </summary>
    public bool CacheResults { get; set; } = true;

    /// <summary>
    /// How long cached results are fresh at most. Changes to the index invalidate them at once; this bounds how long a
    /// result computed while a change was being written may outlive it. Default: 1 minute. Range: 1 second to 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CacheExpiration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many of a document's most distinctive terms (tf·idf) make its lexical "more like this" query. Default: 25. Range: 1 to 100.</summary>
    [Range(1, 100)]
    public int MoreLikeThisTerms { get; set; } = 25;

    /// <summary>The default window of recorded interactions that "also viewed" reads. Default: 30 days. Range: 1 hour to 366 days.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "366.00:00:00")]
    public TimeSpan AlsoViewedWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long the query log (with its clicks) and recorded interactions are kept: older entries are deleted in batches
    /// by a background service, so the analytics tables and the in-memory store do not grow without bound. Reports,
    /// experiment results and "also viewed" only see what is kept. Default: 90 days. Range: 1 hour to 3,650 days.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan AnalyticsRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often old analytics are looked for. Default: 1 hour. Range: 1 second to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AnalyticsRetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The default weight of content similarity (more like this) in blended recommendations. Default: 0.5. Range: 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double ContentWeight { get; set; } = 0.5;

    /// <summary>The default weight of behaviour (also viewed) in blended recommendations. Default: 0.5. Range: 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double BehaviourWeight { get; set; } = 0.5;
}
