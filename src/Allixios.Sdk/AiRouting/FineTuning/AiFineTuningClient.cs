using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Allixios.AiRouting.Providers;
using Microsoft.Extensions.Options;
using Refit;

namespace Allixios.AiRouting.FineTuning;

/// <summary>
/// Fine-tuning on OpenAI-compatible providers: checks the training file locally, uploads it (<c>POST /files</c>, purpose
/// <c>fine-tune</c>), creates the job (<c>POST /fine_tuning/jobs</c>), reads, lists and cancels jobs, and registers a
/// succeeded job's model in the catalog and the router (<see cref="Register"/>), where it is served only to calls that
/// name it, of the tenant that trained it. Calls go through the AI router's <see cref="HttpClient"/>, with its retries and
/// timeouts. The tenant that submitted a job is kept in the job's <c>metadata</c> (<see cref="TenantMetadataKey"/>), so
/// the provider stays the one record of jobs and a tenant sees only its own.
/// </summary>
public sealed class AiFineTuningClient
{
    /// <summary>The job metadata key that holds the submitting tenant's id.</summary>
    public const string TenantMetadataKey = "allixios_tenant";

    private static readonly RefitSettings Settings = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    }));

    private readonly Func<string, IOpenAiFineTuningApi> _apis;
    private readonly Dictionary<string, IOpenAiFineTuningApi> _byProvider = new(StringComparer.OrdinalIgnoreCase);
    private readonly AiRoutingOptions _routing;
    private readonly AiFineTuningOptions _options;
    private readonly AiRouter _router;
    private readonly Lock _gate = new();

    /// <summary>Creates the client over the router's providers.</summary>
    public AiFineTuningClient(IHttpClientFactory httpClients, IOptions<AiRoutingOptions> routing, IOptions<AiFineTuningOptions> options, AiRouter router)
    {
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(router);
        _routing = routing.Value;
        _options = options.Value;
        _router = router;
        _apis = provider =>
        {
            var settings = _routing.Providers[provider];
            var http = httpClients.CreateClient(AiProviderClients.HttpClientName);
            http.BaseAddress = settings.BaseAddress;
            http.Timeout = Timeout.InfiniteTimeSpan;
            if (!string.IsNullOrEmpty(settings.ApiKey))
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
            }

            return RestService.For<IOpenAiFineTuningApi>(http, Settings);
        };
    }

    /// <summary>The providers that can fine-tune: those that speak the OpenAI-compatible protocol.</summary>
    public IEnumerable<string> Providers => _routing.Providers.Where(p => p.Value.Kind == AiProviderKind.OpenAi).Select(p => p.Key);

    /// <summary>Checks training data as <see cref="SubmitAsync"/> would, without sending it.</summary>
    /// <returns>The number of examples.</returns>
    /// <exception cref="AllixiosException">The data is not valid chat fine-tuning JSONL (<c>invalid_training_file</c>), with the lines to fix.</exception>
    public int ValidateTrainingData(ReadOnlyMemory<byte> data) => TrainingFileCheck.Examples(data, "training file", _options.MinExamples, _options.MaxFileBytes);

    /// <summary>
    /// Checks the training (and validation) data, uploads it to the provider of the base model's deployment and creates the
    /// job, owned by <paramref name="tenantId"/> when given. Track it with <see cref="AiFineTuningTracker"/> to have its
    /// model registered when it succeeds.
    /// </summary>
    /// <exception cref="AllixiosException">Bad input: an unknown base model, a bad file, a suffix or epochs out of range, or the provider refusing the request.</exception>
    /// <exception cref="AiProviderException">The provider could not be reached or failed.</exception>
    public async Task<AiFineTuningJob> SubmitAsync(AiFineTuningRequest request, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.BaseModel))
        {
            throw AllixiosException.Invalid("base_model_required", "Name the base model to fine-tune (a catalog model or deployment id).");
        }

        if (request.Suffix is { Length: > 64 })
        {
            throw AllixiosException.Invalid("invalid_suffix", $"The suffix is {request.Suffix.Length} characters; the most is 64.");
        }

        if (request.Epochs is < 1 or > 50)
        {
            throw AllixiosException.Invalid("invalid_epochs", $"Epochs is {request.Epochs}; use 1 to 50, or none to let the provider choose.");
        }

        if (string.IsNullOrWhiteSpace(request.FileName) || request.FileName.IndexOfAny(['/', '\\', '"']) >= 0)
        {
            throw AllixiosException.Invalid("invalid_file_name", "The file name must be a plain name such as training.jsonl.");
        }

        var deployment = BaseDeployment(request.BaseModel);
        ValidateTrainingData(request.TrainingData);
        if (request.ValidationData is { } validation)
        {
            TrainingFileCheck.Examples(validation, "validation file", 1, _options.MaxFileBytes);
        }

        var api = Api(deployment.ProviderName);
        var training = await UploadAsync(api, deployment.ProviderName, request.TrainingData, request.FileName, cancellationToken);
        var validationFile = request.ValidationData is { } data
            ? await UploadAsync(api, deployment.ProviderName, data, "validation-" + request.FileName, cancellationToken)
            : null;
        var body = new OpenAiFineTuningWire.CreateJobRequest
        {
            Model = deployment.UpstreamModel,
            TrainingFile = training,
            ValidationFile = validationFile,
            Suffix = request.Suffix,
            Seed = request.Seed,
            Hyperparameters = request.Epochs is { } epochs ? new OpenAiFineTuningWire.Hyperparameters { Epochs = epochs } : null,
            Metadata = tenantId is null ? null : new Dictionary<string, string> { [TenantMetadataKey] = tenantId },
        };
        var job = await CallAsync(deployment.ProviderName, ct => api.CreateJobAsync(body, ct), null, cancellationToken);
        return ToJob(deployment.ProviderName, job, request.BaseModel);
    }

    /// <summary>One job, if <paramref name="tenantId"/> (when given) owns it.</summary>
    /// <exception cref="AllixiosException">No such job for the tenant (<c>fine_tuning_job_not_found</c>), or an unknown provider.</exception>
    public async Task<AiFineTuningJob> GetAsync(string? provider, string jobId, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        var name = ProviderOrDefault(provider);
        JobId(jobId);
        var job = ToJob(name, await CallAsync(name, ct => Api(name).GetJobAsync(jobId, ct), jobId, cancellationToken));
        return Owned(job, jobId, tenantId);
    }

    /// <summary>The newest jobs (up to <paramref name="limit"/>, 1 to 100) of the provider, only <paramref name="tenantId"/>'s when given.</summary>
    public async Task<IReadOnlyList<AiFineTuningJob>> ListAsync(string? provider, string? tenantId = null, int limit = 20, string? after = null, CancellationToken cancellationToken = default)
    {
        var name = ProviderOrDefault(provider);
        if (limit is < 1 or > 100)
        {
            throw AllixiosException.Invalid("invalid_limit", $"Limit is {limit}; use 1 to 100.");
        }

        var page = await CallAsync(name, ct => Api(name).ListJobsAsync(string.IsNullOrEmpty(after) ? null : after, limit, ct), null, cancellationToken);
        return [.. (page.Data ?? []).Select(j => ToJob(name, j)).Where(j => tenantId is null || j.TenantId == tenantId)];
    }

    /// <summary>A job's newest events (up to <paramref name="limit"/>, 1 to 100), if the tenant owns it.</summary>
    public async Task<IReadOnlyList<AiFineTuningEvent>> ListEventsAsync(string? provider, string jobId, string? tenantId = null, int limit = 20, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 100)
        {
            throw AllixiosException.Invalid("invalid_limit", $"Limit is {limit}; use 1 to 100.");
        }

        var job = await GetAsync(provider, jobId, tenantId, cancellationToken);
        var page = await CallAsync(job.Provider, ct => Api(job.Provider).ListEventsAsync(jobId, limit, ct), jobId, cancellationToken);
        return [.. (page.Data ?? []).Select(e => new AiFineTuningEvent(e.Id ?? "", DateTimeOffset.FromUnixTimeSeconds(e.CreatedAt), e.Level ?? "info", e.Message ?? "", e.Type ?? "message"))];
    }

    /// <summary>Cancels a job the tenant owns; a job that already ended is refused with <c>fine_tuning_job_ended</c>.</summary>
    public async Task<AiFineTuningJob> CancelAsync(string? provider, string jobId, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        var job = await GetAsync(provider, jobId, tenantId, cancellationToken);
        if (job.IsTerminal)
        {
            throw new AllixiosException(AllixiosErrorKind.FailedPrecondition, "fine_tuning_job_ended", $"Job {jobId} has already {job.Status.ToString().ToLowerInvariant()}; only a job that has not ended can be cancelled.");
        }

        return ToJob(job.Provider, await CallAsync(job.Provider, ct => Api(job.Provider).CancelJobAsync(jobId, ct), jobId, cancellationToken));
    }

    /// <summary>
    /// Registers a succeeded job's model in the catalog and the router, once: its capabilities, context window and quality
    /// come from the base model, its prices from the price table's <c>ft:&lt;base&gt;</c> row when there is one (else the
    /// base model's), then <see cref="AiFineTuningOptions.Models"/>. It is served by the job's provider, only to calls that
    /// name it and, for a job with a tenant, only that tenant's.
    /// </summary>
    /// <returns>The deployment, or <see langword="null"/> when the job has not succeeded.</returns>
    public AiDeployment? Register(AiFineTuningJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Status != AiFineTuningStatus.Succeeded || string.IsNullOrEmpty(job.FineTunedModel))
        {
            return null;
        }

        var catalog = _router.Catalog;
        if (catalog.TryGetDeployment(job.FineTunedModel, out var existing))
        {
            return existing;
        }

        var baseModel = BaseModelOf(job);
        var model = baseModel with { Name = job.FineTunedModel };
        if (catalog.TryGetModel("ft:" + job.BaseModel, out var priced) || catalog.TryGetModel("ft:" + baseModel.Name, out priced))
        {
            model = model with
            {
                InputCostPerToken = priced.InputCostPerToken,
                OutputCostPerToken = priced.OutputCostPerToken,
                CachedInputCostPerToken = priced.CachedInputCostPerToken,
            };
        }

        if (_options.Models.TryGetValue(baseModel.Name, out var change) || _options.Models.TryGetValue(job.BaseModel, out change))
        {
            model = model with
            {
                ContextWindow = change.ContextWindow ?? model.ContextWindow,
                MaxOutputTokens = change.MaxOutputTokens ?? model.MaxOutputTokens,
                InputCostPerToken = change.InputCostPerToken ?? model.InputCostPerToken,
                OutputCostPerToken = change.OutputCostPerToken ?? model.OutputCostPerToken,
                CachedInputCostPerToken = change.CachedInputCostPerToken ?? change.InputCostPerToken ?? model.CachedInputCostPerToken,
                QualityPrior = change.QualityPrior ?? model.QualityPrior,
                Capabilities = change.Capabilities ?? model.Capabilities,
            };
        }

        var deployment = new AiDeployment
        {
            Id = job.FineTunedModel,
            ProviderName = job.Provider,
            ProviderKind = AiProviderKind.OpenAi,
            Model = model,
            UpstreamModel = job.FineTunedModel,
            NamedOnly = true,
            OwnerTenantId = job.TenantId,
        };
        lock (_gate)
        {
            return catalog.TryGetDeployment(deployment.Id, out existing) ? existing : _router.AddDeployment(deployment);
        }
    }

    private AiModel BaseModelOf(AiFineTuningJob job)
    {
        var catalog = _router.Catalog;
        if (catalog.TryGetModel(job.BaseModel, out var model))
        {
            return model;
        }

        // The provider names the dated snapshot (gpt-4o-mini-2024-07-18) where the catalog may know the deployment's name.
        foreach (var deployment in catalog.Deployments)
        {
            if (string.Equals(deployment.UpstreamModel, job.BaseModel, StringComparison.OrdinalIgnoreCase)
                || job.BaseModel.StartsWith(deployment.Model.Name + "-", StringComparison.OrdinalIgnoreCase))
            {
                return deployment.Model;
            }
        }

        // Unknown base: chat only, the most conservative catalog entry that still lets callers name the model.
        return new AiModel { Name = job.BaseModel, Capabilities = AiCapabilities.Chat, ContextWindow = 16_385, MaxOutputTokens = 4_096 };
    }

    private AiDeployment BaseDeployment(string baseModel)
    {
        var catalog = _router.Catalog;
        if (catalog.TryGetDeployment(baseModel, out var byId) && !byId.NamedOnly)
        {
            return byId.ProviderKind == AiProviderKind.OpenAi
                ? byId
                : throw AllixiosException.Invalid("fine_tuning_unsupported", $"Deployment '{baseModel}' is served by {byId.ProviderName}, which does not speak the OpenAI-compatible fine-tuning API.");
        }

        foreach (var deployment in catalog.Deployments)
        {
            if (!deployment.NamedOnly && deployment.ProviderKind == AiProviderKind.OpenAi && string.Equals(deployment.Model.Name, baseModel, StringComparison.OrdinalIgnoreCase))
            {
                return deployment;
            }
        }

        var other = catalog.Deployments.FirstOrDefault(d => !d.NamedOnly && string.Equals(d.Model.Name, baseModel, StringComparison.OrdinalIgnoreCase));
        throw other is not null
            ? AllixiosException.Invalid("fine_tuning_unsupported", $"Model '{baseModel}' is served by {other.ProviderName}, which does not speak the OpenAI-compatible fine-tuning API.")
            : AllixiosException.Invalid("unknown_base_model", $"No OpenAI-compatible deployment serves base model '{baseModel}'; name a catalog model or deployment id that one serves.");
    }

    private string ProviderOrDefault(string? provider)
    {
        if (!string.IsNullOrEmpty(provider))
        {
            return _routing.Providers.TryGetValue(provider, out var settings) && settings.Kind == AiProviderKind.OpenAi
                ? _routing.Providers.Keys.First(k => string.Equals(k, provider, StringComparison.OrdinalIgnoreCase))
                : throw AllixiosException.Invalid("unknown_provider", $"'{provider}' is not an OpenAI-compatible provider in Allixios:AiRouting:Providers; known: {string.Join(", ", Providers)}.");
        }

        var candidates = Providers.Take(2).ToList();
        return candidates.Count == 1
            ? candidates[0]
            : throw AllixiosException.Invalid("provider_required", candidates.Count == 0
                ? "No OpenAI-compatible provider is configured, so nothing can fine-tune."
                : $"Several providers can fine-tune; name one of: {string.Join(", ", Providers)}.");
    }

    private static void JobId(string jobId)
    {
        if (string.IsNullOrWhiteSpace(jobId) || jobId.Length > 128 || jobId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.')))
        {
            throw AllixiosException.Invalid("invalid_job_id", $"'{jobId}' is not a fine-tuning job id such as ftjob-abc123.");
        }
    }

    private static AiFineTuningJob Owned(AiFineTuningJob job, string jobId, string? tenantId) =>
        tenantId is null || job.TenantId == tenantId
            ? job
            : throw AllixiosException.NotFound("fine_tuning_job_not_found", $"No fine-tuning job {jobId} belongs to this tenant.");

    private IOpenAiFineTuningApi Api(string provider)
    {
        lock (_gate)
        {
            if (!_byProvider.TryGetValue(provider, out var api))
            {
                api = _apis(provider);
                _byProvider[provider] = api;
            }

            return api;
        }
    }

    private static async Task<string> UploadAsync(IOpenAiFineTuningApi api, string provider, ReadOnlyMemory<byte> data, string fileName, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(data.ToArray(), writable: false);
        var file = await CallAsync(provider, ct => api.UploadFileAsync("fine-tune", new StreamPart(stream, fileName, "application/jsonl"), ct), null, cancellationToken);
        return file.Id is { Length: > 0 } id ? id : throw new AiProviderException(AiFailureKind.Unavailable, provider, $"{provider} accepted the file but returned no file id.");
    }

    private static async Task<T> CallAsync<T>(string provider, Func<CancellationToken, Task<IApiResponse<T>>> call, string? jobId, CancellationToken cancellationToken)
    {
        IApiResponse<T> response;
        try
        {
            response = await call(cancellationToken);
        }
        catch (Exception ex) when (ProviderErrors.IsTransport(ex, cancellationToken))
        {
            throw ProviderErrors.FromTransport(provider, ex, cancellationToken);
        }

        using (response)
        {
            if (response.IsSuccessful && response.Content is { } content)
            {
                return content;
            }

            var error = ProviderErrors.FromApiResponse(provider, response, cancellationToken);
            if (error is AiProviderException { StatusCode: HttpStatusCode.NotFound } && jobId is not null)
            {
                throw AllixiosException.NotFound("fine_tuning_job_not_found", $"{provider} has no fine-tuning job {jobId}.");
            }

            // The provider's 400s (a file it refuses, a model it cannot fine-tune) are the caller's to fix.
            throw error is AiProviderException { Kind: AiFailureKind.Rejected or AiFailureKind.ContextLengthExceeded or AiFailureKind.ContentPolicy } rejected
                ? AllixiosException.Invalid("provider_rejected_request", rejected.Message)
                : error;
        }
    }

    internal static AiFineTuningJob ToJob(string provider, OpenAiFineTuningWire.Job job, string? baseModel = null) => new()
    {
        Id = job.Id ?? "",
        Provider = provider,
        BaseModel = job.Model ?? baseModel ?? "",
        Status = job.Status switch
        {
            "validating_files" => AiFineTuningStatus.ValidatingFiles,
            "queued" => AiFineTuningStatus.Queued,
            "running" => AiFineTuningStatus.Running,
            "succeeded" => AiFineTuningStatus.Succeeded,
            "failed" => AiFineTuningStatus.Failed,
            "cancelled" => AiFineTuningStatus.Cancelled,
            // A status this version does not know (a newer one, e.g. "pausing") counts as not ended, so it keeps being polled.
            _ => AiFineTuningStatus.Running,
        },
        TenantId = job.Metadata is { } metadata && metadata.TryGetValue(TenantMetadataKey, out var tenant) ? tenant : null,
        FineTunedModel = job.FineTunedModel,
        TrainingFile = job.TrainingFile,
        ValidationFile = job.ValidationFile,
        CreatedAt = DateTimeOffset.FromUnixTimeSeconds(job.CreatedAt),
        FinishedAt = job.FinishedAt is { } finished ? DateTimeOffset.FromUnixTimeSeconds(finished) : null,
        EstimatedFinish = job.EstimatedFinish is { } estimated ? DateTimeOffset.FromUnixTimeSeconds(estimated) : null,
        TrainedTokens = job.TrainedTokens,
        ErrorCode = job.Error?.Code,
        ErrorMessage = job.Error?.Message,
    };
}
