using Microsoft.Extensions.Options;

namespace Allixios.AiRouting;

/// <summary>
/// The models Allixios knows (from the price tables and configuration) and the deployments that serve them. Built once
/// at start; a deployment that names a model no table or override describes is an error that names the model.
/// </summary>
public sealed class AiModelCatalog
{
    private readonly Lock _gate = new();
    private Dictionary<string, AiModel> _models;
    private Dictionary<string, AiDeployment> _deploymentsById;

    /// <summary>Builds the catalog from the router's options.</summary>
    /// <exception cref="AllixiosException">A price table cannot be read, or a deployment names an unknown model.</exception>
    public AiModelCatalog(IOptions<AiRoutingOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Builds the catalog from the router's options.</summary>
    /// <exception cref="AllixiosException">A price table cannot be read, or a deployment names an unknown model.</exception>
    public AiModelCatalog(AiRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _models = new Dictionary<string, AiModel>(StringComparer.OrdinalIgnoreCase);
        if (options.UseDefaultPriceTable)
        {
            Merge(AiModelPriceTable.LoadDefault());
        }

        foreach (var file in options.PriceTableFiles)
        {
            if (!File.Exists(file))
            {
                throw AllixiosException.Invalid("price_table_not_found", $"The price table file '{file}' named in AiRouting:PriceTableFiles does not exist.");
            }

            using var stream = File.OpenRead(file);
            Merge(AiModelPriceTable.Parse(stream, file));
        }

        foreach (var (name, change) in options.Models)
        {
            _models[name] = Apply(name, _models.GetValueOrDefault(name), change);
        }

        var deployments = new List<AiDeployment>(options.Deployments.Count);
        _deploymentsById = new Dictionary<string, AiDeployment>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in options.Deployments)
        {
            if (!_models.TryGetValue(entry.Model, out var model))
            {
                throw AllixiosException.Invalid(
                    "unknown_model",
                    $"AiRouting deployment '{entry.Id}' names model '{entry.Model}', which no price table describes; add it to a price table or to AiRouting:Models with a ContextWindow and prices.");
            }

            if (!options.Providers.TryGetValue(entry.Provider, out var provider))
            {
                throw AllixiosException.Invalid("unknown_provider", $"AiRouting deployment '{entry.Id}' names provider '{entry.Provider}', which is not in AiRouting:Providers.");
            }

            var deployment = new AiDeployment
            {
                Id = entry.Id,
                ProviderName = entry.Provider,
                ProviderKind = provider.Kind,
                Model = model,
                UpstreamModel = string.IsNullOrWhiteSpace(entry.UpstreamModel) ? model.Name : entry.UpstreamModel,
                Weight = entry.Weight,
            };
            deployments.Add(deployment);
            _deploymentsById[deployment.Id] = deployment;
        }

        Deployments = deployments;
    }

    /// <summary>Every model the catalog describes, by name.</summary>
    public IReadOnlyDictionary<string, AiModel> Models => _models;

    /// <summary>Every deployment, in configuration order.</summary>
    public IReadOnlyList<AiDeployment> Deployments { get; private set; }

    /// <summary>A model by name.</summary>
    public bool TryGetModel(string name, out AiModel model) => _models.TryGetValue(name, out model!);

    /// <summary>A deployment by id.</summary>
    public bool TryGetDeployment(string id, out AiDeployment deployment) => _deploymentsById.TryGetValue(id, out deployment!);

    /// <summary>
    /// Adds a deployment and its model after start (a fine-tuned model). The collections are replaced, not changed, so a
    /// reader sees the catalog before or after the addition, never half of it.
    /// </summary>
    internal void Add(AiDeployment deployment)
    {
        lock (_gate)
        {
            var models = new Dictionary<string, AiModel>(_models, StringComparer.OrdinalIgnoreCase) { [deployment.Model.Name] = deployment.Model };
            var byId = new Dictionary<string, AiDeployment>(_deploymentsById, StringComparer.OrdinalIgnoreCase) { [deployment.Id] = deployment };
            List<AiDeployment> deployments = [.. Deployments, deployment];
            _models = models;
            _deploymentsById = byId;
            Deployments = deployments;
        }
    }

    private void Merge(IReadOnlyDictionary<string, AiModel> table)
    {
        foreach (var (name, model) in table)
        {
            _models[name] = model;
        }
    }

    private static AiModel Apply(string name, AiModel? model, AiModelOverride change)
    {
        if (model is null && change.ContextWindow is null)
        {
            throw AllixiosException.Invalid("invalid_model_override", $"AiRouting:Models:{name} adds a model no price table describes; it needs at least a ContextWindow.");
        }

        var baseline = model ?? new AiModel { Name = name, Capabilities = AiCapabilities.Chat };
        return baseline with
        {
            ContextWindow = change.ContextWindow ?? baseline.ContextWindow,
            MaxOutputTokens = change.MaxOutputTokens ?? (baseline.MaxOutputTokens == 0 ? change.ContextWindow ?? 0 : baseline.MaxOutputTokens),
            InputCostPerToken = change.InputCostPerToken ?? baseline.InputCostPerToken,
            OutputCostPerToken = change.OutputCostPerToken ?? baseline.OutputCostPerToken,
            CachedInputCostPerToken = change.CachedInputCostPerToken ?? change.InputCostPerToken ?? baseline.CachedInputCostPerToken,
            QualityPrior = change.QualityPrior ?? baseline.QualityPrior,
            Capabilities = change.Capabilities ?? baseline.Capabilities,
            ProviderFamily = change.ProviderFamily ?? baseline.ProviderFamily,
        };
    }
}
