using System.Buffers;
using System.Runtime.CompilerServices;
using Allixios.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Allixios.Usage;
using Polly.CircuitBreaker;

namespace Allixios.AiRouting;

/// <summary>
/// The AI router: an <see cref="IChatClient"/> (and embedding generator) that picks a deployment by the tenant's policy,
/// the model a call names, the capabilities it needs and whether it fits the context window, then calls it and falls
/// over to the next deployment on rate limits, outages, open circuits, context-length and content-policy refusals, and
/// streams that fail before their first token. Each call is priced once, by the deployment that answered
/// (<see cref="AiUsageReport"/> on the response or on a stream's last update). A call that names a tenant
/// (<see cref="TenantIdProperty"/>) first reserves its maximum cost in the tenant's and API key's budgets and is refused
/// with <see cref="BudgetExceededException"/> before any provider is called when it cannot; it is settled with the
/// actual cost, released when no deployment answered, and recorded once in the usage ledger. A call without a tenant is
/// neither budgeted nor recorded.
/// </summary>
public sealed class AiRouter : IChatClient, IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The <c>AdditionalProperties</c> key of <see cref="ChatOptions"/> or <see cref="EmbeddingGenerationOptions"/> that names the calling tenant, whose policy then applies.</summary>
    public const string TenantIdProperty = "allixios.tenant_id";

    /// <summary>The <c>AdditionalProperties</c> key that names the calling API key's id (a string), whose budgets then also apply and under which the call is recorded.</summary>
    public const string ApiKeyIdProperty = "allixios.api_key_id";

    /// <summary>The <c>AdditionalProperties</c> key that names the job the call is part of (a <see cref="Guid"/> or its string), recorded in the usage ledger.</summary>
    public const string JobIdProperty = "allixios.job_id";

    /// <summary>The <c>AdditionalProperties</c> key that names that job's type (a string, e.g. <c>content.generate</c>), recorded in the usage ledger.</summary>
    public const string JobTypeProperty = "allixios.job_type";

    /// <summary>
    /// The <c>AdditionalProperties</c> key that says (with <see langword="true"/>) that the call's money is already held
    /// by a reservation of its own, e.g. the budget reservation of the job it is part of: the call is then recorded in
    /// the usage ledger but reserves nothing, so the same money is not held twice. The holder settles it.
    /// </summary>
    public const string BudgetHeldProperty = "allixios.budget_held";

    private static readonly KeyValuePair<string, object?> Succeeded = new("outcome", "succeeded");
    private static readonly KeyValuePair<string, object?> FailedOver = new("outcome", "failed_over");

    private readonly AiRoutingOptions _options;
    private readonly Func<AiDeployment, IChatClient?> _chatClients;
    private readonly Func<AiDeployment, IEmbeddingGenerator<string, Embedding<float>>?> _embeddingGenerators;
    private readonly Lock _addGate = new();
    private RoutingTable _table;
    private readonly ResolvedPolicy _embeddingPolicy;
    private readonly TimeProvider _time;
    private readonly AiCallMeter _meter;
    private readonly int _defaultMaxOutputTokens;
    private readonly ChatClientMetadata _metadata = new("allixios-router");

    /// <summary>
    /// Creates the router over the catalog's deployments, with provider clients from <paramref name="clients"/>; calls
    /// are budgeted with <paramref name="budgets"/> and recorded in <paramref name="ledger"/> when given (both come from
    /// <c>AddUsage</c>).
    /// </summary>
    public AiRouter(AiModelCatalog catalog, AiProviderClients clients, IOptions<AiRoutingOptions> options, TimeProvider timeProvider, BudgetClient? budgets = null, IUsageLedger? ledger = null)
        : this(catalog, (options ?? throw new ArgumentNullException(nameof(options))).Value, ChatFactory(clients), EmbeddingFactory(clients), timeProvider, budgets, ledger)
    {
    }

    internal AiRouter(
        AiModelCatalog catalog,
        AiRoutingOptions options,
        Func<AiDeployment, IChatClient?> chatClients,
        Func<AiDeployment, IEmbeddingGenerator<string, Embedding<float>>?> embeddingGenerators,
        TimeProvider timeProvider,
        BudgetClient? budgets = null,
        IUsageLedger? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Catalog = catalog;
        _time = timeProvider;
        _meter = new AiCallMeter(budgets, ledger, timeProvider);
        _defaultMaxOutputTokens = options.DefaultMaxOutputTokens;
        _options = options;
        _chatClients = chatClients;
        _embeddingGenerators = embeddingGenerators;
        var states = new DeploymentState[catalog.Deployments.Count];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = State(i, catalog.Deployments[i]);
        }

        _table = new RoutingTable(states, options);
        _embeddingPolicy = new ResolvedPolicy(new AiRoutingPolicy { Strategy = AiRoutingStrategy.Cheapest }, []);
    }

    /// <summary>The catalog the router routes over.</summary>
    public AiModelCatalog Catalog { get; }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = AsList(messages);
        var ranked = ArrayPool<int>.Shared.Rent(Math.Max(1, _table.Count));
        try
        {
            var count = Decide(list, options, ranked, out var request);
            var charge = new AiCallCharge(request.PromptTokens, request.MaxOutputTokens);
            var metered = await _meter.BeginAsync(options?.AdditionalProperties, MaximumCost(charge, ranked, count), cancellationToken);
            try
            {
                List<Exception>? failures = null;
                for (var i = 0; i < count; i++)
                {
                    var deployment = _table[ranked[i]];
                    if (deployment.IsCooling(_time.GetTimestamp()))
                    {
                        continue;
                    }

                    var attempt = ForDeployment(options, deployment, request.MaxOutputTokens);
                    var started = _time.GetTimestamp();
                    try
                    {
                        var response = await deployment.CallAsync(
                            static (state, token) => state.Client.GetResponseAsync(state.Messages, state.Options, token),
                            (Client: deployment.Chat!, Messages: list, Options: attempt),
                            cancellationToken);
                        var latency = _time.GetElapsedTime(started);
                        deployment.RecordLatency(latency);
                        var report = charge.Settle(deployment.Deployment, response.Usage, response.Text.Length, (failures?.Count ?? 0) + 1, latency);
                        response.AdditionalProperties ??= [];
                        response.AdditionalProperties[AiUsageReport.PropertyName] = report;
                        AllixiosTelemetry.AiCalls.Add(1, new KeyValuePair<string, object?>("deployment", deployment.Deployment.Id), Succeeded);
                        if (metered is not null)
                        {
                            await metered.ChargeAsync(UsageOutcome.Succeeded, report);
                        }

                        return response;
                    }
                    catch (Exception ex) when (CanFailOver(ex, cancellationToken))
                    {
                        AllixiosTelemetry.AiCalls.Add(1, new KeyValuePair<string, object?>("deployment", deployment.Deployment.Id), FailedOver);
                        (failures ??= []).Add(Named(deployment, ex));
                    }
                }

                throw Exhausted(failures);
            }
            catch (Exception ex) when (metered is not null)
            {
                // No deployment answered: nothing was spent, so the reservation is freed (a no-op once charged).
                await metered.ReleaseAsync(Ended(ex, cancellationToken));
                throw;
            }
        }
        catch (AiProviderException ex) when (ex.Kind == AiFailureKind.Rejected)
        {
            throw AllixiosException.Invalid("provider_rejected_request", $"The provider refused the request as invalid: {ex.Message}");
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ranked);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = AsList(messages);
        var ranked = ArrayPool<int>.Shared.Rent(Math.Max(1, _table.Count));
        OpenedStream? opened = null;
        DeploymentState? deployment = null;
        AiCallCharge charge;
        AiMeteredCall? metered = null;
        var started = _time.GetTimestamp();
        int attempts;
        try
        {
            var count = Decide(list, options, ranked, out var request);
            charge = new AiCallCharge(request.PromptTokens, request.MaxOutputTokens);
            metered = await _meter.BeginAsync(options?.AdditionalProperties, MaximumCost(charge, ranked, count), cancellationToken);
            try
            {
                List<Exception>? failures = null;
                for (var i = 0; i < count && opened is null; i++)
                {
                    deployment = _table[ranked[i]];
                    if (deployment.IsCooling(_time.GetTimestamp()))
                    {
                        continue;
                    }

                    started = _time.GetTimestamp();
                    try
                    {
                        opened = await OpenAsync(deployment, list, ForDeployment(options, deployment, request.MaxOutputTokens), cancellationToken);
                        deployment.RecordLatency(_time.GetElapsedTime(started));
                    }
                    catch (Exception ex) when (CanFailOver(ex, cancellationToken) || (ex is AiProviderException { Kind: AiFailureKind.StreamInterrupted } && !cancellationToken.IsCancellationRequested))
                    {
                        // Nothing reached the caller yet, so even a stream cut before its first token falls over.
                        AllixiosTelemetry.AiCalls.Add(1, new KeyValuePair<string, object?>("deployment", deployment.Deployment.Id), FailedOver);
                        (failures ??= []).Add(Named(deployment, ex));
                    }
                }

                if (opened is null)
                {
                    throw Exhausted(failures);
                }

                attempts = (failures?.Count ?? 0) + 1;
            }
            catch (Exception ex) when (metered is not null)
            {
                // Nothing reached the caller and nothing answered: the reservation is freed.
                await metered.ReleaseAsync(Ended(ex, cancellationToken));
                throw;
            }
        }
        catch (AiProviderException ex) when (ex.Kind == AiFailureKind.Rejected)
        {
            throw AllixiosException.Invalid("provider_rejected_request", $"The provider refused the request as invalid: {ex.Message}");
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ranked);
        }

        await using var stream = opened.Enumerator;
        UsageDetails? usage = null;
        long characters = 0;
        string? responseId = null;
        string? modelId = null;
        AiUsageReport? report = null;
        Exception? cut = null;
        try
        {
            foreach (var update in opened.Buffered)
            {
                Observe(update, ref usage, ref characters, ref responseId, ref modelId);
                yield return update;
            }

            while (!opened.Ended)
            {
                bool moved;
                try
                {
                    moved = await stream.MoveNextAsync();
                }
                catch (Exception ex)
                {
                    cut = ex;
                    throw;
                }

                if (!moved)
                {
                    break;
                }

                var update = stream.Current;
                Observe(update, ref usage, ref characters, ref responseId, ref modelId);
                yield return update;
            }

            report = charge.Settle(deployment!.Deployment, usage, characters, attempts, _time.GetElapsedTime(started));
            AllixiosTelemetry.AiCalls.Add(1, new KeyValuePair<string, object?>("deployment", deployment.Deployment.Id), Succeeded);
            if (metered is not null)
            {
                await metered.ChargeAsync(UsageOutcome.Succeeded, report);
            }

            yield return new ChatResponseUpdate
            {
                Role = ChatRole.Assistant,
                ResponseId = responseId,
                ModelId = modelId,
                AdditionalProperties = new() { [AiUsageReport.PropertyName] = report },
            };
        }
        finally
        {
            // Cut after the first token (by the provider, or by the caller stopping early): what was streamed was paid
            // for, so it is charged with the usage seen so far or an estimate from the prompt and the text streamed.
            if (report is null && metered is not null)
            {
                var partial = charge.Settle(deployment!.Deployment, usage, characters, attempts, _time.GetElapsedTime(started));
                await metered.ChargeAsync(cut is null ? UsageOutcome.Cancelled : Ended(cut, cancellationToken), partial);
            }
        }
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var input = values as IReadOnlyList<string> ?? [.. values];
        if (input.Count == 0)
        {
            throw AllixiosException.Invalid("empty_input", "Embeddings need at least one text.");
        }

        long longest = 0;
        foreach (var text in input)
        {
            longest = Math.Max(longest, PromptTokenEstimate.Of([text]));
        }

        var named = options?.ModelId is { Length: > 0 } model ? Named(model) : null;
        // The context check is per text (providers limit each input); the charge covers the whole batch.
        var request = new RouteRequest(_embeddingPolicy, named, AiCapabilities.Embeddings, longest, 0);
        var ranked = ArrayPool<int>.Shared.Rent(Math.Max(1, _table.Count));
        try
        {
            var count = _table.Rank(request, ranked, _time.GetTimestamp());
            if (count == 0)
            {
                throw Explain(request, options?.ModelId);
            }

            var charge = new AiCallCharge(PromptTokenEstimate.Of(input), 0);
            var metered = await _meter.BeginAsync(options?.AdditionalProperties, MaximumCost(charge, ranked, count), cancellationToken);
            try
            {
                List<Exception>? failures = null;
                for (var i = 0; i < count; i++)
                {
                    var deployment = _table[ranked[i]];
                    var attempt = options?.Clone() ?? new EmbeddingGenerationOptions();
                    attempt.ModelId = deployment.Deployment.UpstreamModel;
                    var started = _time.GetTimestamp();
                    try
                    {
                        var result = await deployment.CallAsync(
                            static (state, token) => state.Generator.GenerateAsync(state.Input, state.Options, token),
                            (Generator: deployment.Embeddings!, Input: input, Options: attempt),
                            cancellationToken);
                        var latency = _time.GetElapsedTime(started);
                        deployment.RecordLatency(latency);
                        result.AdditionalProperties ??= [];
                        var report = charge.Settle(deployment.Deployment, result.Usage, 0, (failures?.Count ?? 0) + 1, latency);
                        result.AdditionalProperties[AiUsageReport.PropertyName] = report;
                        if (metered is not null)
                        {
                            await metered.ChargeAsync(UsageOutcome.Succeeded, report);
                        }

                        return result;
                    }
                    catch (Exception ex) when (CanFailOver(ex, cancellationToken))
                    {
                        (failures ??= []).Add(Named(deployment, ex));
                    }
                }

                throw Exhausted(failures);
            }
            catch (Exception ex) when (metered is not null)
            {
                await metered.ReleaseAsync(Ended(ex, cancellationToken));
                throw;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ranked);
        }
    }

    /// <summary>
    /// Feeds a quality score (0 to 100) of an answer back into routing: the moving quality of the deployments of
    /// <paramref name="modelOrDeployment"/> (a model name: all its deployments; a deployment id: that one) moves towards
    /// it by <see cref="AiRoutingOptions.QualitySmoothing"/>. The quality floor and
    /// <see cref="AiRoutingStrategy.QualityFirst"/> use the moving quality, which starts at the model's prior.
    /// </summary>
    /// <returns>Whether any deployment serves <paramref name="modelOrDeployment"/> (else nothing changed).</returns>
    public bool RecordQuality(string modelOrDeployment, double score)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelOrDeployment);
        if (double.IsNaN(score) || score is < 0 or > 100)
        {
            throw AllixiosException.Invalid("quality_score_invalid", $"A quality score is 0 to 100; {score} was recorded for '{modelOrDeployment}'.");
        }

        if (!_table.TryGetNamed(modelOrDeployment, out var deployments))
        {
            return false;
        }

        foreach (var index in deployments)
        {
            _table[index].RecordQuality(score);
        }

        return true;
    }

    /// <summary>The names scores may be recorded under (models and deployment ids): what a restore reads from the quality ledger.</summary>
    internal IReadOnlyCollection<string> QualityNames => [.. _table.Names];

    /// <summary>How many of each name's newest stored scores a restore replays (<see cref="AiRoutingOptions.QualityRestoreScores"/>).</summary>
    internal int QualityRestoreScores => _options.QualityRestoreScores;

    /// <summary>
    /// Rebuilds the moving quality from stored scores, oldest first, as <see cref="RecordQuality"/> would have moved it
    /// from the prior: same smoothing, same order, so the estimate after a restart is the one before (to the bit, when
    /// every score is replayed). Deployments with no stored score keep what they have.
    /// </summary>
    internal void RestoreQuality(IEnumerable<(string ModelOrDeployment, double Score)> oldestFirst)
    {
        var table = _table;
        var quality = new double[table.Count];
        var samples = new long[table.Count];
        for (var i = 0; i < quality.Length; i++)
        {
            quality[i] = table[i].QualityPrior;
        }

        foreach (var (name, score) in oldestFirst)
        {
            if (double.IsNaN(score) || score is < 0 or > 100 || !table.TryGetNamed(name, out var deployments))
            {
                continue;
            }

            foreach (var index in deployments)
            {
                quality[index] = table[index].SmoothQuality(quality[index], score);
                samples[index]++;
            }
        }

        for (var i = 0; i < quality.Length; i++)
        {
            if (samples[i] > 0)
            {
                table[i].RestoreQuality(quality[i], samples[i]);
            }
        }
    }

    /// <summary>
    /// The quality routing currently uses for <paramref name="modelOrDeployment"/> (the mean over its deployments of
    /// their moving quality) and how many scores it rests on; none when no deployment serves it.
    /// </summary>
    public (double Quality, long Samples)? GetQualityEstimate(string modelOrDeployment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelOrDeployment);
        if (!_table.TryGetNamed(modelOrDeployment, out var deployments) || deployments.Length == 0)
        {
            return null;
        }

        var quality = 0.0;
        long samples = 0;
        foreach (var index in deployments)
        {
            quality += _table[index].Quality;
            samples += _table[index].QualitySamples;
        }

        return (quality / deployments.Length, samples);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(AiModelCatalog) ? Catalog
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The provider clients' HttpClients belong to the factory.
    }

    /// <summary>
    /// Adds a deployment after start (a fine-tuned model, see <c>AiFineTuningClient.Register</c>) to the catalog and to
    /// routing. The routing table is rebuilt and swapped; the deployments already there keep their circuit breakers and
    /// latency, and their indexes, so a call in flight stays valid.
    /// </summary>
    internal AiDeployment AddDeployment(AiDeployment deployment)
    {
        lock (_addGate)
        {
            if (Catalog.TryGetDeployment(deployment.Id, out var existing))
            {
                return existing;
            }

            var current = _table;
            var states = new DeploymentState[current.Count + 1];
            for (var i = 0; i < current.Count; i++)
            {
                states[i] = current[i];
            }

            states[^1] = State(states.Length - 1, deployment);
            Catalog.Add(deployment);
            _table = new RoutingTable(states, _options);
            return deployment;
        }
    }

    private DeploymentState State(int index, AiDeployment deployment)
    {
        // A deployment offers what its model can do and its provider client passes through.
        var capabilities = deployment.Model.Capabilities & (deployment.ProviderKind == AiProviderKind.Anthropic
            ? AiCapabilities.Chat
            : AiCapabilities.Chat | AiCapabilities.JsonMode | AiCapabilities.Embeddings);
        var chat = (capabilities & AiCapabilities.Chat) != 0 ? _chatClients(deployment) : null;
        var embeddings = (capabilities & AiCapabilities.Embeddings) != 0 ? _embeddingGenerators(deployment) : null;
        return new DeploymentState(index, deployment, capabilities, chat, embeddings, _options, _time);
    }

    /// <summary>
    /// The routing decision: checks the call, resolves the tenant's policy and the named model, and writes the
    /// deployments to try into <paramref name="ranked"/>. Throws the error that says what to fix when none can serve it.
    /// </summary>
    internal int Decide(IList<ChatMessage> messages, ChatOptions? options, Span<int> ranked, out RouteRequest request)
    {
        if (messages.Count == 0)
        {
            throw AllixiosException.Invalid("empty_messages", "The call has no messages; send at least one user message.");
        }

        var maxOutput = options?.MaxOutputTokens ?? _defaultMaxOutputTokens;
        if (maxOutput <= 0)
        {
            throw AllixiosException.Invalid("invalid_max_output_tokens", $"MaxOutputTokens is {maxOutput}; it must be at least 1.");
        }

        var tenant = options?.AdditionalProperties is { } properties && properties.TryGetValue(TenantIdProperty, out var value) ? value as string : null;
        var policy = _table.PolicyFor(tenant);
        var required = AiCapabilities.Chat | policy.RequiredCapabilities | Needs(messages, options);
        var named = options?.ModelId is { Length: > 0 } model ? Named(model, tenant) : null;
        request = new RouteRequest(policy, named, required, PromptTokenEstimate.Of(messages, options?.Instructions), maxOutput);
        var count = _table.Rank(request, ranked, _time.GetTimestamp());
        return count > 0 ? count : throw Explain(request, options?.ModelId);
    }

    private int[] Named(string model, string? tenant = null) =>
        _table.TryGetNamed(model, out var deployments) && OwnedBy(deployments, tenant)
            ? deployments
            : throw AllixiosException.Invalid("unknown_model", $"No deployment serves model '{model}'. Known models and deployments: {string.Join(", ", _table.Names.Where(n => _table.TryGetNamed(n, out var d) && OwnedBy(d, tenant)).Order(StringComparer.Ordinal).Take(20))}.");

    /// <summary>Whether the tenant may name these deployments: a model fine-tuned for one tenant is unknown to the others.</summary>
    private bool OwnedBy(int[] deployments, string? tenant)
    {
        foreach (var index in deployments)
        {
            if (_table[index].Deployment.OwnerTenantId is { } owner && owner != tenant)
            {
                return false;
            }
        }

        return true;
    }

    private static AiCapabilities Needs(IList<ChatMessage> messages, ChatOptions? options)
    {
        var needs = AiCapabilities.None;
        if (options?.ResponseFormat is ChatResponseFormatJson)
        {
            needs |= AiCapabilities.JsonMode;
        }

        if (options?.Tools is { Count: > 0 })
        {
            needs |= AiCapabilities.Tools;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var contents = messages[i].Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                if (contents[j] is DataContent or UriContent)
                {
                    needs |= AiCapabilities.Vision;
                }
            }
        }

        return needs;
    }

    private Exception Explain(in RouteRequest request, string? model)
    {
        if (_table.Count == 0)
        {
            return new AllixiosException(AllixiosErrorKind.FailedPrecondition, "no_deployments", "AiRouting has no deployments configured; add providers and deployments under Allixios:AiRouting.");
        }

        var capable = false;
        var fitting = false;
        var qualified = false;
        var window = 0;
        var outputLimit = 0;
        var floor = request.Named is null ? request.Policy.QualityFloor : -1;
        var subject = model is null ? "No deployment" : $"No deployment of '{model}' (or its fallbacks)";
        for (var i = 0; i < _table.Count; i++)
        {
            var deployment = _table[i];
            if (request.Named is { } named && Array.IndexOf(named, i) < 0 && Array.IndexOf(request.Policy.Fallbacks, i) < 0)
            {
                continue;
            }

            if ((deployment.Capabilities & request.Required) != request.Required)
            {
                continue;
            }

            capable = true;
            window = Math.Max(window, deployment.ContextWindow);
            outputLimit = Math.Max(outputLimit, deployment.MaxOutputTokens);
            if (RoutingTable.Fits(deployment, request))
            {
                fitting = true;
                qualified |= deployment.Quality >= floor;
            }
        }

        if (!capable)
        {
            return AllixiosException.Invalid("no_capable_deployment", $"{subject} supports what the call needs ({request.Required}); drop the feature or configure a deployment that supports it.");
        }

        if (!fitting)
        {
            return AllixiosException.Invalid(
                "context_window_exceeded",
                $"{subject} fits the call: about {request.PromptTokens} prompt tokens plus MaxOutputTokens {request.MaxOutputTokens}, where the largest context window is {window} tokens and the largest output limit {outputLimit}; shorten the prompt or lower MaxOutputTokens.");
        }

        if (!qualified)
        {
            return new AllixiosException(AllixiosErrorKind.FailedPrecondition, "quality_floor_unmet", $"No deployment that can serve the call meets the policy's quality floor of {request.Policy.QualityFloor}; lower the floor or add a better model.");
        }

        return new AiProviderException(AiFailureKind.Unavailable, "router", "Every deployment that can serve the call is cooling down after failures; retry shortly.");
    }

    private static ValueTask<OpenedStream> OpenAsync(DeploymentState deployment, IList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken) =>
        deployment.CallAsync(
            static async (state, token) =>
            {
                var enumerator = state.Client.GetStreamingResponseAsync(state.Messages, state.Options, token).GetAsyncEnumerator(token);
                var buffered = new List<ChatResponseUpdate>();
                try
                {
                    // Read up to the first token, so a stream that fails before it can still fall over unseen.
                    while (await enumerator.MoveNextAsync())
                    {
                        var update = enumerator.Current;
                        buffered.Add(update);
                        if (IsFirstToken(update))
                        {
                            return new OpenedStream(enumerator, buffered, Ended: false);
                        }
                    }

                    return new OpenedStream(enumerator, buffered, Ended: true);
                }
                catch
                {
                    await enumerator.DisposeAsync();
                    throw;
                }
            },
            (Client: deployment.Chat!, Messages: messages, Options: options),
            cancellationToken);

    private static bool IsFirstToken(ChatResponseUpdate update)
    {
        if (update.FinishReason is not null)
        {
            return true;
        }

        foreach (var content in update.Contents)
        {
            if (content is UsageContent || (content is TextContent text && !string.IsNullOrEmpty(text.Text)))
            {
                return true;
            }
        }

        return false;
    }

    private static void Observe(ChatResponseUpdate update, ref UsageDetails? usage, ref long characters, ref string? responseId, ref string? modelId)
    {
        responseId ??= update.ResponseId;
        modelId ??= update.ModelId;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    characters += text.Text?.Length ?? 0;
                    break;
                case UsageContent used:
                    // Providers send one usage record per stream; should one send several, they add up.
                    if (usage is null)
                    {
                        usage = new UsageDetails();
                    }

                    usage.Add(used.Details);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// The caller's options for one attempt on <paramref name="deployment"/>: its upstream model and output limit, and
    /// every other setting as the caller made it. Unlike <see cref="ChatOptions.Clone"/> it shares the caller's lists
    /// and <c>AdditionalProperties</c> instead of copying them on every attempt: the deployments' clients only read
    /// them. A test checks that every settable property of <see cref="ChatOptions"/> is carried over, so a new one is
    /// not silently dropped.
    /// </summary>
    internal static ChatOptions ForDeployment(ChatOptions? options, DeploymentState deployment, int maxOutputTokens) => new()
    {
        ModelId = deployment.Deployment.UpstreamModel,
        MaxOutputTokens = maxOutputTokens,
        AdditionalProperties = options?.AdditionalProperties,
        AllowBackgroundResponses = options?.AllowBackgroundResponses,
        AllowMultipleToolCalls = options?.AllowMultipleToolCalls,
        ContinuationToken = options?.ContinuationToken,
        ConversationId = options?.ConversationId,
        FrequencyPenalty = options?.FrequencyPenalty,
        Instructions = options?.Instructions,
        PresencePenalty = options?.PresencePenalty,
        RawRepresentationFactory = options?.RawRepresentationFactory,
        Reasoning = options?.Reasoning,
        ResponseFormat = options?.ResponseFormat,
        Seed = options?.Seed,
        StopSequences = options?.StopSequences,
        Temperature = options?.Temperature,
        ToolMode = options?.ToolMode,
        Tools = options?.Tools,
        TopK = options?.TopK,
        TopP = options?.TopP,
    };

    /// <summary>What a call may cost at most: the dearest of the deployments it may be routed to, so a failover stays within the reservation.</summary>
    private decimal MaximumCost(AiCallCharge charge, int[] ranked, int count)
    {
        var most = 0m;
        for (var i = 0; i < count; i++)
        {
            most = Math.Max(most, charge.MaximumCost(_table[ranked[i]].Deployment.Model));
        }

        return most;
    }

    private static UsageOutcome Ended(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested ? UsageOutcome.Cancelled : UsageOutcome.Failed;

    private static bool CanFailOver(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && exception is AiProviderException { AllowsFailover: true } or BrokenCircuitException;

    private static Exception Named(DeploymentState deployment, Exception exception) =>
        exception is BrokenCircuitException
            ? new AiProviderException(AiFailureKind.Unavailable, deployment.Deployment.Id, $"{deployment.Deployment.Id}: its circuit is open.", innerException: exception)
            : exception;

    private static AiProviderException Exhausted(List<Exception>? failures)
    {
        if (failures is null || failures.Count == 0)
        {
            return new AiProviderException(AiFailureKind.Unavailable, "router", "Every deployment that can serve the call is cooling down after failures; retry shortly.");
        }

        var last = failures[^1] as AiProviderException;
        var summary = string.Join("; ", failures.Select(f => f.Message));
        return new AiProviderException(
            last?.Kind ?? AiFailureKind.Unavailable,
            "router",
            $"All {failures.Count} deployment(s) tried failed: {summary}",
            last?.StatusCode,
            last?.ErrorType,
            last?.ErrorCode,
            last?.RetryAfter,
            new AggregateException(failures));
    }

    private static IList<ChatMessage> AsList(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages as IList<ChatMessage> ?? [.. messages];
    }

    private static Func<AiDeployment, IChatClient?> ChatFactory(AiProviderClients clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var byProvider = new Dictionary<string, IChatClient>(StringComparer.OrdinalIgnoreCase);
        return deployment =>
        {
            if (!byProvider.TryGetValue(deployment.ProviderName, out var client))
            {
                client = clients.CreateChatClient(deployment.ProviderName);
                byProvider[deployment.ProviderName] = client;
            }

            return client;
        };
    }

    private static Func<AiDeployment, IEmbeddingGenerator<string, Embedding<float>>?> EmbeddingFactory(AiProviderClients clients) =>
        deployment => clients.CreateEmbeddingGenerator(deployment.ProviderName);

    private sealed record OpenedStream(IAsyncEnumerator<ChatResponseUpdate> Enumerator, List<ChatResponseUpdate> Buffered, bool Ended);
}
