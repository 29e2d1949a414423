namespace Allixios.Search.Analytics;

/// <summary>The embedded default <see cref="ISearchAnalyticsStore"/>: everything in process memory, lost on restart. Thread-safe.</summary>
public sealed class InMemorySearchAnalyticsStore : ISearchAnalyticsStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, Guid Query), LoggedQuery> _queries = [];
    private readonly List<(string Tenant, SearchInteraction Interaction)> _interactions = [];
    private readonly Dictionary<(string Tenant, string Id), SearchExperiment> _experiments = [];

    /// <inheritdoc />
    public ValueTask RecordQueryAsync(string tenantId, SearchQueryLogEntry entry, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Query(entry);
        lock (_lock)
        {
            _queries.TryAdd((tenantId, entry.QueryId), new LoggedQuery(entry));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<SearchQueryLogEntry?> GetQueryAsync(string tenantId, Guid queryId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        lock (_lock)
        {
            return ValueTask.FromResult(_queries.TryGetValue((tenantId, queryId), out var logged) ? logged.Entry : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SearchQueryLogEntry>> ListQueriesAsync(string tenantId, DateTimeOffset since, DateTimeOffset until, int limit, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Window(since, until);
        SearchAnalyticsInput.Top(limit);
        lock (_lock)
        {
            IReadOnlyList<SearchQueryLogEntry> list = InWindow(tenantId, since, until)
                .Select(q => q.Entry)
                .OrderByDescending(e => e.At).ThenBy(e => e.QueryId.ToString("D"), StringComparer.Ordinal)
                .Take(limit)
                .ToList();
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RecordClickAsync(string tenantId, SearchClick click, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Click(click);
        lock (_lock)
        {
            if (!_queries.TryGetValue((tenantId, click.QueryId), out var logged))
            {
                throw QueryNotFound(click.QueryId);
            }

            return ValueTask.FromResult(logged.ClickedDocuments.Add(click.DocumentId));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QueryStats>> GetQueryStatsAsync(string tenantId, QueryStatsRequest request, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Stats(request);
        lock (_lock)
        {
            var stats = InWindow(tenantId, request.From, request.To)
                .GroupBy(q => q.Entry.NormalizedText, StringComparer.Ordinal)
                .Select(g => new QueryStats(
                    g.Key,
                    g.LongCount(),
                    g.LongCount(q => q.Entry.ResultCount == 0),
                    g.LongCount(q => q.ClickedDocuments.Count > 0),
                    g.Sum(q => (long)q.ClickedDocuments.Count)));
            IReadOnlyList<QueryStats> list = Order(stats, request.Order).Take(request.Top).ToList();
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc />
    public ValueTask RecordInteractionAsync(string tenantId, SearchInteraction interaction, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Interaction(interaction);
        lock (_lock)
        {
            _interactions.Add((tenantId, interaction));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<CoOccurrences> GetCoOccurrencesAsync(string tenantId, string documentId, DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.DocumentId(documentId);
        SearchAnalyticsInput.Top(limit);
        lock (_lock)
        {
            var recent = _interactions.Where(i => i.Tenant == tenantId && i.Interaction.At >= since).Select(i => i.Interaction).ToList();
            var sourceUsers = recent.Where(i => i.DocumentId == documentId).Select(i => i.UserId).ToHashSet(StringComparer.Ordinal);
            var usersByDocument = recent.GroupBy(i => i.DocumentId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(i => i.UserId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            var documents = usersByDocument
                .Where(d => d.Key != documentId)
                .Select(d => new CoOccurrence(d.Key, d.Value.Count(sourceUsers.Contains), d.Value.Count))
                .Where(c => c.SharedUsers > 0)
                .OrderByDescending(c => c.SharedUsers).ThenBy(c => c.DocumentId, StringComparer.Ordinal)
                .Take(limit)
                .ToList();
            return ValueTask.FromResult(new CoOccurrences(sourceUsers.Count, documents));
        }
    }

    /// <inheritdoc />
    public ValueTask CreateExperimentAsync(string tenantId, SearchExperiment experiment, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Experiment(experiment);
        lock (_lock)
        {
            if (!_experiments.TryAdd((tenantId, experiment.Id), experiment with { Arms = experiment.Arms.ToList() }))
            {
                throw AllixiosException.Exists("search_experiment_exists", $"The tenant already has an experiment '{experiment.Id}'; choose another id or delete that one first.");
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<SearchExperiment?> GetExperimentAsync(string tenantId, string experimentId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.ExperimentId(experimentId);
        lock (_lock)
        {
            return ValueTask.FromResult(_experiments.GetValueOrDefault((tenantId, experimentId)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SearchExperiment>> ListExperimentsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        lock (_lock)
        {
            IReadOnlyList<SearchExperiment> list = _experiments.Where(e => e.Key.Tenant == tenantId).Select(e => e.Value).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc />
    public ValueTask<SearchExperiment> UpdateExperimentAsync(string tenantId, string experimentId, string? name, ExperimentStatus? status, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.ExperimentId(experimentId);
        if (name is not null)
        {
            SearchAnalyticsInput.ExperimentName(name);
        }

        if (status is { } s && !Enum.IsDefined(s))
        {
            throw AllixiosException.Invalid("search_experiment_status_invalid", $"Experiment status {(int)s} is not known; use running or stopped.");
        }

        lock (_lock)
        {
            if (!_experiments.TryGetValue((tenantId, experimentId), out var experiment))
            {
                throw ExperimentNotFound(experimentId);
            }

            var updated = experiment with { Name = name ?? experiment.Name, Status = status ?? experiment.Status };
            _experiments[(tenantId, experimentId)] = updated;
            return ValueTask.FromResult(updated);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteExperimentAsync(string tenantId, string experimentId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.ExperimentId(experimentId);
        lock (_lock)
        {
            return ValueTask.FromResult(_experiments.Remove((tenantId, experimentId)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ExperimentArmResult>> GetExperimentResultsAsync(string tenantId, string experimentId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.ExperimentId(experimentId);
        lock (_lock)
        {
            if (!_experiments.TryGetValue((tenantId, experimentId), out var experiment))
            {
                throw ExperimentNotFound(experimentId);
            }

            var queries = _queries.Where(q => q.Key.Tenant == tenantId && q.Value.Entry.ExperimentId == experimentId).Select(q => q.Value).ToList();
            IReadOnlyList<ExperimentArmResult> results = experiment.Arms.Select(arm =>
            {
                var mine = queries.Where(q => q.Entry.Arm == arm.Name).ToList();
                return new ExperimentArmResult(arm.Name, mine.Count, mine.Count(q => q.ClickedDocuments.Count > 0), mine.Sum(q => (long)q.ClickedDocuments.Count));
            }).ToList();
            return ValueTask.FromResult(results);
        }
    }

    internal static IEnumerable<QueryStats> Order(IEnumerable<QueryStats> stats, QueryStatsOrder order) => order switch
    {
        QueryStatsOrder.ZeroResults => stats.Where(s => s.ZeroResultSearches > 0)
            .OrderByDescending(s => s.ZeroResultSearches).ThenByDescending(s => s.Searches).ThenBy(s => s.Query, StringComparer.Ordinal),
        QueryStatsOrder.ClickThroughRate => stats
            .OrderByDescending(s => s.ClickThroughRate).ThenByDescending(s => s.Searches).ThenBy(s => s.Query, StringComparer.Ordinal),
        _ => stats.OrderByDescending(s => s.Searches).ThenBy(s => s.Query, StringComparer.Ordinal),
    };

    internal static AllixiosException QueryNotFound(Guid queryId)
        => AllixiosException.NotFound("search_query_not_found", $"The tenant has logged no query '{queryId}'; record clicks with the query id a search answer gave.");

    internal static AllixiosException ExperimentNotFound(string experimentId)
        => AllixiosException.NotFound("search_experiment_not_found", $"The tenant has no experiment '{experimentId}'.");

    /// <inheritdoc />
    public ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.RetentionBatch(batchSize);
        lock (_lock)
        {
            var queries = _queries.Where(q => q.Value.Entry.At < cutoff).Take(batchSize).Select(q => q.Key).ToList();
            foreach (var key in queries)
            {
                _queries.Remove(key);
            }

            var interactions = 0;
            _interactions.RemoveAll(i => i.Interaction.At < cutoff && interactions++ < batchSize);
            return ValueTask.FromResult(queries.Count + Math.Min(interactions, batchSize));
        }
    }

    private IEnumerable<LoggedQuery> InWindow(string tenantId, DateTimeOffset from, DateTimeOffset to)
        => _queries.Where(q => q.Key.Tenant == tenantId && q.Value.Entry.At >= from && q.Value.Entry.At < to).Select(q => q.Value);

    private sealed class LoggedQuery(SearchQueryLogEntry entry)
    {
        public SearchQueryLogEntry Entry { get; } = entry;

        public HashSet<string> ClickedDocuments { get; } = new(StringComparer.Ordinal);
    }
}
