namespace Allixios.Search.Analytics;

/// <summary>
/// What searchers did, per tenant: the query log, clicks on hits, views and clicks of documents (for "also viewed"
/// recommendations) and A/B tests of ranking configurations with their results. A tenant never sees another's.
/// Embedded default: <see cref="InMemorySearchAnalyticsStore"/>; production: <see cref="PostgresSearchAnalyticsStore"/>.
/// </summary>
/// <remarks>Bad input fails with an <see cref="AllixiosException"/> whose message says what to fix.</remarks>
public interface ISearchAnalyticsStore
{
    /// <summary>Logs a query; logging the same query id again changes nothing.</summary>
    ValueTask RecordQueryAsync(string tenantId, SearchQueryLogEntry entry, CancellationToken cancellationToken = default);

    /// <summary>A logged query, or <see langword="null"/>.</summary>
    ValueTask<SearchQueryLogEntry?> GetQueryAsync(string tenantId, Guid queryId, CancellationToken cancellationToken = default);

    /// <summary>The queries logged in [<paramref name="since"/>, <paramref name="until"/>), newest first (ties by id), at most <paramref name="limit"/> (1 to 1,000).</summary>
    ValueTask<IReadOnlyList<SearchQueryLogEntry>> ListQueriesAsync(string tenantId, DateTimeOffset since, DateTimeOffset until, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a click on a hit of a logged query. The query must be the tenant's (else <c>search_query_not_found</c>).
    /// A document counts once per query: clicking it again returns <see langword="false"/> and changes nothing.
    /// </summary>
    ValueTask<bool> RecordClickAsync(string tenantId, SearchClick click, CancellationToken cancellationToken = default);

    /// <summary>Popular, zero-result or click-through report over the queries logged in the request's window.</summary>
    ValueTask<IReadOnlyList<QueryStats>> GetQueryStatsAsync(string tenantId, QueryStatsRequest request, CancellationToken cancellationToken = default);

    /// <summary>Records that a user or session viewed or clicked a document.</summary>
    ValueTask RecordInteractionAsync(string tenantId, SearchInteraction interaction, CancellationToken cancellationToken = default);

    /// <summary>
    /// The documents that users or sessions who interacted with <paramref name="documentId"/> since
    /// <paramref name="since"/> also interacted with since then: at most <paramref name="limit"/> (1 to 1,000), most shared
    /// users first, then by id; the source document itself is never among them.
    /// </summary>
    ValueTask<CoOccurrences> GetCoOccurrencesAsync(string tenantId, string documentId, DateTimeOffset since, int limit, CancellationToken cancellationToken = default);

    /// <summary>Creates an experiment; <c>search_experiment_exists</c> when the tenant already has one with its id.</summary>
    ValueTask CreateExperimentAsync(string tenantId, SearchExperiment experiment, CancellationToken cancellationToken = default);

    /// <summary>An experiment, or <see langword="null"/>.</summary>
    ValueTask<SearchExperiment?> GetExperimentAsync(string tenantId, string experimentId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's experiments, by id (ordinal).</summary>
    ValueTask<IReadOnlyList<SearchExperiment>> ListExperimentsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Renames, stops or restarts an experiment (its arms never change, so its results stay comparable): fields left
    /// <see langword="null"/> keep their value. <c>search_experiment_not_found</c> when the tenant has no such experiment.
    /// </summary>
    ValueTask<SearchExperiment> UpdateExperimentAsync(string tenantId, string experimentId, string? name, ExperimentStatus? status, CancellationToken cancellationToken = default);

    /// <summary>Deletes an experiment; returns whether it existed. Its queries stay in the log.</summary>
    ValueTask<bool> DeleteExperimentAsync(string tenantId, string experimentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes, across every tenant, up to <paramref name="batchSize"/> logged queries (with their clicks) and up to
    /// <paramref name="batchSize"/> interactions that happened before <paramref name="cutoff"/>; experiments stay.
    /// Returns how many queries and interactions it deleted; call again while that reaches <paramref name="batchSize"/>.
    /// </summary>
    ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default);

    /// <summary>Searches, clicked searches, clicks and click-through per arm, in the experiment's arm order (arms without queries included).</summary>
    ValueTask<IReadOnlyList<ExperimentArmResult>> GetExperimentResultsAsync(string tenantId, string experimentId, CancellationToken cancellationToken = default);
}
