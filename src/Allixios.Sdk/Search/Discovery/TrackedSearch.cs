using System.Diagnostics;
using Allixios.Search.Analytics;
using Allixios.Search.Hybrid;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Allixios.Search.Discovery;

/// <summary>
/// Runs a query as a searcher would: in the arm of a named experiment (stable per user or session), through the result
/// cache when there is one, and logs it (text, mode, result count, latency, arm) with a query id for recording clicks.
/// Bad input is refused before anything is cached or logged.
/// </summary>
public sealed class TrackedSearch
{
    private readonly ISearchIndex _index;
    private readonly HybridSearch _search;
    private readonly ISearchAnalyticsStore _analytics;
    private readonly SearchOptions _searchOptions;
    private readonly HybridSearchOptions _hybridOptions;
    private readonly TimeProvider _time;
    private readonly SearchResultCache? _cache;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddings;
    private readonly IVectorSearch? _vectors;

    /// <summary>Runs queries through <paramref name="search"/>, logging them in <paramref name="analytics"/>; caches results in <paramref name="cache"/> when given.</summary>
    public TrackedSearch(
        ISearchIndex index,
        HybridSearch search,
        ISearchAnalyticsStore analytics,
        IOptions<SearchOptions> searchOptions,
        IOptions<HybridSearchOptions> hybridOptions,
        TimeProvider time,
        SearchResultCache? cache = null,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings = null,
        IVectorSearch? vectors = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(analytics);
        ArgumentNullException.ThrowIfNull(searchOptions);
        ArgumentNullException.ThrowIfNull(hybridOptions);
        ArgumentNullException.ThrowIfNull(time);
        _index = index;
        _search = search;
        _analytics = analytics;
        _searchOptions = searchOptions.Value;
        _hybridOptions = hybridOptions.Value;
        _time = time;
        _cache = cache;
        _embeddings = embeddings;
        _vectors = vectors;
    }

    /// <summary>Runs <paramref name="query"/> in <paramref name="mode"/>, or in the arm <paramref name="context"/>'s experiment assigns.</summary>
    public async ValueTask<TrackedSearchResults> SearchAsync(string tenantId, SearchQuery query, SearchMode mode, SearchContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        context ??= SearchContext.None;
        var started = _time.GetTimestamp();
        SearchRules.CheckQuery(query, _searchOptions);
        if (!Enum.IsDefined(mode))
        {
            throw AllixiosException.Invalid("search_mode_invalid", $"Search mode {(int)mode} is not known; use lexical, semantic or hybrid.");
        }

        if (context.UserId is not null)
        {
            SearchAnalyticsInput.UserId(context.UserId);
        }

        var ranking = _hybridOptions;
        string? arm = null;
        if (context.ExperimentId is { } experimentId)
        {
            var chosen = await ArmAsync(tenantId, experimentId, context.UserId, cancellationToken);
            arm = chosen.Name;
            mode = chosen.Ranking.Mode;
            ranking = chosen.Ranking.Apply(_hybridOptions);
        }

        // The host's own HybridSearch for its own settings; a per-arm one, over the same index and models, otherwise.
        var search = ReferenceEquals(ranking, _hybridOptions)
            ? _search
            : new HybridSearch(_index, Options.Create(_searchOptions), Options.Create(ranking), _embeddings, _vectors);
        SearchResults results;
        var cached = false;
        if (_cache is null)
        {
            results = await search.SearchAsync(tenantId, query, mode, cancellationToken);
        }
        else
        {
            (results, cached) = await _cache.GetOrSearchAsync(
                tenantId,
                SearchResultCache.Key(tenantId, query, mode, ranking),
                ct => search.SearchAsync(tenantId, query, mode, ct),
                cancellationToken);
        }

        var queryId = Guid.CreateVersion7(_time.GetUtcNow());
        await _analytics.RecordQueryAsync(
            tenantId,
            new SearchQueryLogEntry(queryId, query.Text, mode, results.Total, _time.GetElapsedTime(started), _time.GetUtcNow())
            {
                UserId = context.UserId,
                ExperimentId = arm is null ? null : context.ExperimentId,
                Arm = arm,
            },
            cancellationToken);
        Activity.Current?.SetTag("allixios.search.query_id", queryId.ToString());
        return new TrackedSearchResults(results, queryId, mode, arm, cached);
    }

    private async ValueTask<ExperimentArm> ArmAsync(string tenantId, string experimentId, string? userId, CancellationToken cancellationToken)
    {
        SearchAnalyticsInput.ExperimentId(experimentId);
        var experiment = await _analytics.GetExperimentAsync(tenantId, experimentId, cancellationToken)
            ?? throw InMemorySearchAnalyticsStore.ExperimentNotFound(experimentId);
        if (experiment.Status != ExperimentStatus.Running)
        {
            throw new AllixiosException(AllixiosErrorKind.FailedPrecondition, "search_experiment_stopped", $"Experiment '{experimentId}' is stopped; restart it, or query without it.");
        }

        if (userId is null)
        {
            throw AllixiosException.Invalid("search_experiment_user_missing", $"A query in experiment '{experimentId}' needs a user or session id, so that the searcher keeps one arm.");
        }

        return ExperimentAssignment.Choose(experiment, userId);
    }
}
