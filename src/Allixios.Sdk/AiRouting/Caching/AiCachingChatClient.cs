using System.Runtime.CompilerServices;
using Allixios.Caching;
using Allixios.Search.Vectors;
using Allixios.Usage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Allixios.AiRouting.Caching;

/// <summary>
/// The response cache in front of the AI router: a <see cref="DelegatingChatClient"/> that answers a call from the exact
/// cache (through <see cref="IAllixiosCache"/>, so memory and Redis) when an identical call was answered before, or from
/// the semantic cache when its last user message is near enough (cosine similarity at or above
/// <see cref="AiResponseCacheOptions.SemanticThreshold"/>) to an earlier one in the same partition: the same tenant,
/// model or policy, parameters, system prompt and earlier messages. Everything else goes to the router, and its answer
/// is stored. A hit costs nothing: no budget is reserved and the usage ledger records a zero-cost line whose provider is
/// <see cref="CacheProviderName"/>. A streamed call answered from the cache replays the answer as a stream.
/// </summary>
/// <remarks>
/// Which calls are cached is described on <see cref="AiResponseCacheOptions"/>. Only answers that ended normally are
/// stored (not a content-filtered one, not a stream cut short). The semantic cache embeds only the last user message
/// (text only, at most <see cref="AiResponseCacheOptions.SemanticMaxMessageLength"/> characters); a vector whose answer
/// has expired is removed when a lookup finds it.
/// </remarks>
public sealed class AiCachingChatClient : DelegatingChatClient
{
    /// <summary>
    /// The <c>AdditionalProperties</c> key of <see cref="ChatOptions"/> with which a call chooses its cache mode: an
    /// <see cref="AiCacheMode"/> or its name (<c>off</c>, <c>exact</c>, <c>semantic</c>). A call that names a mode opts
    /// in even when its temperature is above 0.
    /// </summary>
    public const string CacheModeProperty = "allixios.cache";

    /// <summary>The provider name the usage report and the ledger show for an answer from the cache.</summary>
    public const string CacheProviderName = "allixios-cache";

    private const string NoTenant = "_untenanted";

    private readonly IAllixiosCache _cache;
    private readonly AiResponseCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly IUsageLedger? _ledger;
    private readonly IVectorIndex? _vectors;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embedder;
    private readonly AiCacheCounters _total = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, AiCacheCounters> _byTenant = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates the cache around <paramref name="innerClient"/> (the router). Without <paramref name="vectors"/> and
    /// <paramref name="embedder"/>, the semantic mode uses the exact cache only. Hits are recorded in
    /// <paramref name="ledger"/> when given.
    /// </summary>
    public AiCachingChatClient(
        IChatClient innerClient,
        IAllixiosCache cache,
        IOptions<AiResponseCacheOptions> options,
        TimeProvider timeProvider,
        IUsageLedger? ledger = null,
        IVectorIndex? vectors = null,
        IEmbeddingGenerator<string, Embedding<float>>? embedder = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _cache = cache;
        _options = options.Value;
        _time = timeProvider;
        _ledger = ledger;
        _vectors = vectors;
        _embedder = embedder;
    }

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = AsList(messages);
        CachePlan? plan;
        try
        {
            plan = Plan(list, options);
        }
        catch (Exception e)
        {
            return Task.FromException<ChatResponse>(e);
        }

        // Most calls are not cached: they go on to the router without an async layer of this client's.
        return plan is null ? base.GetResponseAsync(list, options, cancellationToken) : GetCachedResponseAsync(plan, list, options, cancellationToken);
    }

    private async Task<ChatResponse> GetCachedResponseAsync(CachePlan plan, IList<ChatMessage> list, ChatOptions? options, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var found = await LookupAsync(plan, cancellationToken);
        if (found is not null)
        {
            var report = await RecordHitAsync(plan, found.Value.Answer, started);
            var response = Copy(found.Value.Answer.Response);
            response.AdditionalProperties ??= [];
            response.AdditionalProperties[AiUsageReport.PropertyName] = report;
            response.AdditionalProperties[AiCacheHit.PropertyName] = found.Value.Hit;
            return response;
        }

        var answered = await base.GetResponseAsync(list, options, cancellationToken);
        if (answered.FinishReason != ChatFinishReason.ContentFilter)
        {
            await StoreAsync(plan, answered, answered.GetUsageReport()?.Model, cancellationToken);
        }

        return answered;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = AsList(messages);
        var plan = Plan(list, options);
        if (plan is null)
        {
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        var started = _time.GetTimestamp();
        var found = await LookupAsync(plan, cancellationToken);
        if (found is not null)
        {
            var report = await RecordHitAsync(plan, found.Value.Answer, started);
            var cached = found.Value.Answer.Response;
            foreach (var update in cached.ToChatResponseUpdates())
            {
                // The usage sits on its own last update, as the router's streams send it; the text goes first.
                update.AdditionalProperties?.Remove(AiUsageReport.PropertyName);
                yield return update;
            }

            yield return new ChatResponseUpdate
            {
                Role = ChatRole.Assistant,
                ResponseId = cached.ResponseId,
                ModelId = cached.ModelId,
                AdditionalProperties = new() { [AiUsageReport.PropertyName] = report, [AiCacheHit.PropertyName] = found.Value.Hit },
            };
            yield break;
        }

        var seen = new List<ChatResponseUpdate>();
        AiUsageReport? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken))
        {
            seen.Add(update);
            usage ??= update.GetUsageReport();
            yield return update;
        }

        // A stream the router finished carries its usage report last; one cut short (it throws) never gets here.
        var response = seen.ToChatResponse();
        if (usage is not null && response.FinishReason != ChatFinishReason.ContentFilter)
        {
            await StoreAsync(plan, response, usage.Model, cancellationToken);
        }
    }

    /// <summary>
    /// Reports that a cached answer was wrong for the call it answered: counts a false hit of its kind and drops the entry
    /// (and its vector), so it is not served again. <paramref name="entryId"/> is <see cref="AiCacheHit.EntryId"/>.
    /// </summary>
    /// <returns>Whether the entry was found (a second report of the same entry finds nothing and counts nothing).</returns>
    /// <exception cref="AllixiosException"><paramref name="entryId"/> is not an entry id (<c>invalid_cache_entry_id</c>).</exception>
    public async ValueTask<bool> ReportFalseHitAsync(string? tenantId, string entryId, CancellationToken cancellationToken = default)
    {
        var tenant = string.IsNullOrEmpty(tenantId) ? NoTenant : tenantId;
        var entry = AiCacheEntryId.Parse(entryId);
        var key = entry.Kind == AiCacheMode.Exact ? ExactKey(tenant, entry.Hash) : SemanticKey(tenant, SemanticDocument.TryParse(entry.Hash, out var document) ? document.Hash : entry.Hash);
        var lookup = await _cache.TryGetAsync<string>(key, cancellationToken);
        if (!lookup.Found)
        {
            return false;
        }

        await _cache.RemoveAsync(key, cancellationToken);
        if (entry.Kind == AiCacheMode.Semantic && _vectors is not null)
        {
            await _vectors.DeleteAsync(tenant, IndexName(entry.Partition!), [entry.Hash], cancellationToken);
        }

        var counters = Counters(tenant);
        if (entry.Kind == AiCacheMode.Exact)
        {
            counters.Add(static c => ref c.ExactFalseHits, _total);
        }
        else
        {
            counters.Add(static c => ref c.SemanticFalseHits, _total);
        }

        AiCacheInstruments.FalseHits.Add(1, new KeyValuePair<string, object?>("kind", KindName(entry.Kind)));
        return true;
    }

    /// <summary>What the cache did on this node for one tenant (none: calls that named no tenant), or for every tenant when <paramref name="allTenants"/>.</summary>
    public AiResponseCacheStats GetStats(string? tenantId, bool allTenants = false) =>
        allTenants ? _total.ToStats() : _byTenant.TryGetValue(string.IsNullOrEmpty(tenantId) ? NoTenant : tenantId, out var counters) ? counters.ToStats() : new AiResponseCacheStats();

    private CachePlan? Plan(IList<ChatMessage> messages, ChatOptions? options)
    {
        var properties = options?.AdditionalProperties;
        var tenant = properties is not null && properties.TryGetValue(AiRouter.TenantIdProperty, out var t) && t is string { Length: > 0 } named ? named : NoTenant;
        AiCacheMode mode;
        var asked = properties is not null && properties.TryGetValue(CacheModeProperty, out var requested) && requested is not null;
        if (asked)
        {
            mode = ParseMode(properties![CacheModeProperty]);
        }
        else
        {
            mode = _options.TenantModes.TryGetValue(tenant, out var forTenant) ? forTenant : _options.Mode;
        }

        if (mode == AiCacheMode.Off || messages.Count == 0)
        {
            return null;
        }

        if (!asked && !_options.CacheNonDeterministic && options?.Temperature is not 0f)
        {
            Counters(tenant).Add(static c => ref c.Skipped, _total);
            AiCacheInstruments.Lookups.Add(1, new KeyValuePair<string, object?>("kind", KindName(mode)), new KeyValuePair<string, object?>("result", "skipped"));
            return null;
        }

        var fingerprint = AiRequestFingerprint.Of(messages, options);
        var semantic = mode == AiCacheMode.Semantic
            && _vectors is not null
            && _embedder is not null
            && fingerprint.LastUserText is { Length: > 0 } text
            && text.Length <= _options.SemanticMaxMessageLength;
        return new CachePlan(tenant, semantic ? AiCacheMode.Semantic : AiCacheMode.Exact, fingerprint, properties);
    }

    private static AiCacheMode ParseMode(object? value) => value switch
    {
        AiCacheMode mode when Enum.IsDefined(mode) => mode,
        string s when Enum.TryParse<AiCacheMode>(s, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(s, out _) => parsed,
        _ => throw AllixiosException.Invalid("invalid_cache_mode", $"The cache mode '{value}' is not one of off, exact or semantic."),
    };

    private async ValueTask<(AiCachedAnswer Answer, AiCacheHit Hit)?> LookupAsync(CachePlan plan, CancellationToken cancellationToken)
    {
        var counters = Counters(plan.Tenant);
        var exact = await _cache.TryGetAsync<string>(ExactKey(plan.Tenant, plan.Fingerprint.Hash), cancellationToken);
        if (exact.Found && exact.Value is not null && AiCachedAnswer.FromJson(exact.Value) is { } answer)
        {
            counters.Add(static c => ref c.ExactHits, _total);
            AiCacheInstruments.Lookups.Add(1, new KeyValuePair<string, object?>("kind", "exact"), new KeyValuePair<string, object?>("result", "hit"));
            return (answer, new AiCacheHit { Kind = AiCacheMode.Exact, EntryId = AiCacheEntryId.Exact(plan.Fingerprint.Hash), CachedAt = answer.CachedAt });
        }

        counters.Add(static c => ref c.ExactMisses, _total);
        AiCacheInstruments.Lookups.Add(1, new KeyValuePair<string, object?>("kind", "exact"), new KeyValuePair<string, object?>("result", "miss"));
        if (plan.Mode != AiCacheMode.Semantic)
        {
            return null;
        }

        var index = IndexName(plan.Fingerprint.Partition);
        IReadOnlyList<VectorMatch> matches;
        try
        {
            var embedded = await _embedder!.GenerateAsync([plan.Fingerprint.LastUserText!], cancellationToken: cancellationToken);
            plan.Vector = embedded[0].Vector;
            matches = await _vectors!.SearchAsync(plan.Tenant, index, new VectorQuery(plan.Vector.Value) { TopK = 1 }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The cache never fails a call: an embedder or vector index that fails (or an index of another embedder's
            // dimension) makes a miss, and the answer is not stored semantically.
            plan.Vector = null;
            counters.Add(static c => ref c.SemanticMisses, _total);
            AiCacheInstruments.Lookups.Add(1, new KeyValuePair<string, object?>("kind", "semantic"), new KeyValuePair<string, object?>("result", "error"));
            return null;
        }
        if (matches.Count > 0 && matches[0].Score >= _options.SemanticThreshold && SemanticDocument.TryParse(matches[0].DocumentId, out var document))
        {
            var match = matches[0];
            var stored = await _cache.TryGetAsync<string>(SemanticKey(plan.Tenant, document.Hash), cancellationToken);
            var near = stored.Found && stored.Value is not null ? AiCachedAnswer.FromJson(stored.Value) : null;
            if (near is not null)
            {
                counters.Add(static c => ref c.SemanticHits, _total);
                AiCacheInstruments.Lookups.Add(1, new KeyValuePair<string, object?>("kind", "semantic"), new KeyValuePair<string, object?>("result", "hit"));
                AiCacheInstruments.Similarity.Record(match.Score);
                return (near, new AiCacheHit
                {
                    Kind = AiCacheMode.Semantic,
                    EntryId = AiCacheEntryId.Semantic(plan.Fingerprint.Partition, match.DocumentId),
                    Similarity = match.Score,
                    CachedAt = near.CachedAt,
                });
            }

            // The answer has expired: its vector goes too, so the index stays bounded by live answers. Before its expiry
            // the answer may live in another node's memory (without Redis), so the vector is left to that node.
            if (_time.GetUtcNow().ToUnixTimeSeconds() >= document.ExpiresAt)
            {
                await _vectors.DeleteAsync(plan.Tenant, index, [match.DocumentId], cancellationToken);
            }
        }

        counters.Add(static c => ref c.SemanticMisses, _total);
        AiCacheInstruments.Lookups.Add(1, new KeyValuePair<string, object?>("kind", "semantic"), new KeyValuePair<string, object?>("result", "miss"));
        return null;
    }

    private async ValueTask StoreAsync(CachePlan plan, ChatResponse response, string? model, CancellationToken cancellationToken)
    {
        var entry = new AllixiosCacheEntryOptions { Expiration = _options.Expiration, LocalExpiration = _options.Expiration, MaxStaleness = TimeSpan.Zero };
        try
        {
            var json = AiCachedAnswer.From(response, model, _time.GetUtcNow()).ToJson();
            await _cache.SetAsync(ExactKey(plan.Tenant, plan.Fingerprint.Hash), json, entry, cancellationToken);
            if (plan.Mode == AiCacheMode.Semantic && plan.Vector is { } vector)
            {
                await _cache.SetAsync(SemanticKey(plan.Tenant, plan.Fingerprint.Hash), json, entry, cancellationToken);
                var expiresAt = (_time.GetUtcNow() + _options.Expiration).ToUnixTimeSeconds();
                try
                {
                    await _vectors!.UpsertAsync(plan.Tenant, IndexName(plan.Fingerprint.Partition), [new VectorRecord(SemanticDocument.Id(plan.Fingerprint.Hash, expiresAt), vector)], cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The answer is served and exactly cached; only its semantic lookup is lost.
                    AiCacheInstruments.Stores.Add(1, new KeyValuePair<string, object?>("result", "vector_failed"));
                }
            }
        }
        catch (Exception ex) when (ex is AllixiosException { Kind: AllixiosErrorKind.InvalidArgument } or NotSupportedException or System.Text.Json.JsonException)
        {
            // An answer too large for the cache, or with content the serializer cannot write, is served, not stored.
            AiCacheInstruments.Stores.Add(1, new KeyValuePair<string, object?>("result", "refused"));
            return;
        }

        Counters(plan.Tenant).Add(static c => ref c.Stores, _total);
        AiCacheInstruments.Stores.Add(1, new KeyValuePair<string, object?>("result", "stored"));
    }

    private async ValueTask<AiUsageReport> RecordHitAsync(CachePlan plan, AiCachedAnswer answer, long started)
    {
        var latency = _time.GetElapsedTime(started);
        var report = new AiUsageReport
        {
            DeploymentId = CacheProviderName,
            ProviderName = CacheProviderName,
            Model = answer.Model ?? answer.Response.ModelId ?? "",
            Attempts = 0,
            Latency = latency,
        };
        if (_ledger is not null && plan.Tenant != NoTenant)
        {
            var properties = plan.Properties;
            var now = _time.GetUtcNow();
            await _ledger.RecordAsync(
                new UsageEntry(TimeOrderedIds.CreateVersion7(now), plan.Tenant, now, 0m, AiCallMeter.Currency, UsageOutcome.Succeeded)
                {
                    ApiKeyId = Text(properties, AiRouter.ApiKeyIdProperty),
                    JobId = properties is not null && properties.TryGetValue(AiRouter.JobIdProperty, out var job) ? job switch
                    {
                        Guid g => g,
                        string s when Guid.TryParse(s, out var parsed) => parsed,
                        _ => (Guid?)null,
                    } : null,
                    JobType = Text(properties, AiRouter.JobTypeProperty),
                    Model = report.Model.Length == 0 ? null : report.Model,
                    Provider = CacheProviderName,
                    Latency = latency,
                },
                CancellationToken.None);
        }

        return report;
    }

    private static string? Text(IDictionary<string, object?>? properties, string key) =>
        properties is not null && properties.TryGetValue(key, out var value) && value is string { Length: > 0 } text ? text : null;

    private static ChatResponse Copy(ChatResponse cached) =>
        // Each caller gets its own response object: callers may add to AdditionalProperties.
        new([.. cached.Messages])
        {
            ResponseId = cached.ResponseId,
            ModelId = cached.ModelId,
            FinishReason = cached.FinishReason,
            CreatedAt = cached.CreatedAt,
        };

    private AiCacheCounters Counters(string tenant) => _byTenant.GetOrAdd(tenant, static _ => new AiCacheCounters());

    private static string ExactKey(string tenant, string hash) => $"ai:response:{tenant}:{hash}";

    private static string SemanticKey(string tenant, string hash) => $"ai:semantic:{tenant}:{hash}";

    /// <summary>One vector index per partition, so a search compares only calls that differ in their last user message.</summary>
    private static string IndexName(string partition) => "aic-" + partition[..40];

    private static string KindName(AiCacheMode mode) => mode == AiCacheMode.Semantic ? "semantic" : "exact";

    private static IList<ChatMessage> AsList(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages as IList<ChatMessage> ?? [.. messages];
    }

    private sealed class CachePlan(string tenant, AiCacheMode mode, AiRequestFingerprint fingerprint, IDictionary<string, object?>? properties)
    {
        public string Tenant { get; } = tenant;

        public AiCacheMode Mode { get; } = mode;

        public AiRequestFingerprint Fingerprint { get; } = fingerprint;

        public IDictionary<string, object?>? Properties { get; } = properties;

        /// <summary>The last user message's embedding, made by the semantic lookup and reused to store the answer.</summary>
        public ReadOnlyMemory<float>? Vector { get; set; }
    }
}
