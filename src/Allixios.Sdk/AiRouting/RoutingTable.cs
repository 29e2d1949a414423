namespace Allixios.AiRouting;

/// <summary>
/// The precomputed orders the routing decision walks: deployments by price, each model's deployments,
/// and the policies with their fallbacks resolved. A decision is a filtered walk over one of these arrays into a span
/// the caller owns: no LINQ, no allocation, no lock.
/// </summary>
internal sealed class RoutingTable
{
    private readonly DeploymentState[] _deployments;
    private readonly int[] _byPrice;
    private readonly Dictionary<string, int[]> _byName;
    private readonly Dictionary<string, ResolvedPolicy> _tenantPolicies;

    public RoutingTable(DeploymentState[] deployments, AiRoutingOptions options)
    {
        _deployments = deployments;
        // Named-only deployments (fine-tuned models) are reached by name, never by a policy's walk.
        var routable = Array.FindAll(deployments, d => !d.Deployment.NamedOnly);
        _byPrice = Order(routable, static (a, b) => a.Price != b.Price ? a.Price.CompareTo(b.Price) : b.QualityPrior.CompareTo(a.QualityPrior));
        _byName = new Dictionary<string, int[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in deployments.GroupBy(d => d.Deployment.Model.Name, StringComparer.OrdinalIgnoreCase))
        {
            // A model's own deployments in weight order (heaviest first), then configuration order.
            _byName[group.Key] = [.. group.OrderByDescending(d => d.Weight).ThenBy(d => d.Index).Select(d => d.Index)];
        }

        foreach (var deployment in deployments)
        {
            // A request may also name one deployment by its id.
            _byName.TryAdd(deployment.Deployment.Id, [deployment.Index]);
        }

        DefaultPolicy = Resolve(options.DefaultPolicy, "the default policy");
        _tenantPolicies = new Dictionary<string, ResolvedPolicy>(StringComparer.Ordinal);
        foreach (var (tenant, policy) in options.TenantPolicies)
        {
            _tenantPolicies[tenant] = Resolve(policy, $"the policy of tenant '{tenant}'");
        }
    }

    public ResolvedPolicy DefaultPolicy { get; }

    public int Count => _deployments.Length;

    public DeploymentState this[int index] => _deployments[index];

    public ResolvedPolicy PolicyFor(string? tenantId) =>
        tenantId is not null && _tenantPolicies.TryGetValue(tenantId, out var policy) ? policy : DefaultPolicy;

    public bool TryGetNamed(string name, out int[] deployments) => _byName.TryGetValue(name, out deployments!);

    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>
    /// Writes the deployments to try, best first, into <paramref name="ranked"/> (at least <see cref="Count"/> long)
    /// and returns how many. Deployments in cooldown are left out; so are those that lack a capability, cannot fit
    /// the prompt and output, or (when the policy chooses) fall under the quality floor.
    /// </summary>
    public int Rank(in RouteRequest request, Span<int> ranked, long now)
    {
        var count = 0;
        if (request.Named is { } named)
        {
            count = AppendFitting(named, request, ranked, count, now, floor: -1, dedupe: false);
            return AppendFitting(request.Policy.Fallbacks, request, ranked, count, now, floor: -1, dedupe: true);
        }

        var policy = request.Policy;
        switch (policy.Strategy)
        {
            case AiRoutingStrategy.QualityFirst:
                // Quality moves with the scores recorded, so the order is made per decision (price order breaks ties).
                count = AppendFitting(_byPrice, request, ranked, 0, now, policy.QualityFloor, dedupe: false);
                SortByQuality(ranked[..count]);
                return count;
            case AiRoutingStrategy.LowestLatency:
                count = AppendFitting(_byPrice, request, ranked, 0, now, policy.QualityFloor, dedupe: false);
                SortByLatency(ranked[..count]);
                return count;
            case AiRoutingStrategy.Weighted:
                count = AppendFitting(_byPrice, request, ranked, 0, now, policy.QualityFloor, dedupe: false);
                MoveWeightedDrawToFront(ranked[..count]);
                return count;
            default:
                return AppendFitting(_byPrice, request, ranked, 0, now, policy.QualityFloor, dedupe: false);
        }
    }

    /// <summary>Whether a deployment could serve the request at all, cooldown aside (for error messages).</summary>
    public static bool Fits(DeploymentState deployment, in RouteRequest request) =>
        (deployment.Capabilities & request.Required) == request.Required
        && request.MaxOutputTokens <= deployment.MaxOutputTokens
        && request.PromptTokens + request.MaxOutputTokens <= deployment.ContextWindow;

    private int AppendFitting(int[] order, in RouteRequest request, Span<int> ranked, int count, long now, double floor, bool dedupe)
    {
        // The bound on ranked matters only while a deployment is being added: the caller sized it by the previous table.
        for (var i = 0; i < order.Length && count < ranked.Length; i++)
        {
            var deployment = _deployments[order[i]];
            if (deployment.Quality < floor || !Fits(deployment, request) || deployment.IsCooling(now) || (dedupe && ranked[..count].Contains(deployment.Index)))
            {
                continue;
            }

            ranked[count++] = deployment.Index;
        }

        return count;
    }

    private void SortByLatency(Span<int> ranked)
    {
        // Insertion sort: stable (price order breaks ties) and allocation-free; n is the number of deployments.
        for (var i = 1; i < ranked.Length; i++)
        {
            var item = ranked[i];
            var latency = _deployments[item].LatencyMs;
            var j = i - 1;
            while (j >= 0 && _deployments[ranked[j]].LatencyMs > latency)
            {
                ranked[j + 1] = ranked[j];
                j--;
            }

            ranked[j + 1] = item;
        }
    }

    private void SortByQuality(Span<int> ranked)
    {
        // Insertion sort, best first: stable (price order breaks ties) and allocation-free.
        for (var i = 1; i < ranked.Length; i++)
        {
            var item = ranked[i];
            var quality = _deployments[item].Quality;
            var j = i - 1;
            while (j >= 0 && _deployments[ranked[j]].Quality < quality)
            {
                ranked[j + 1] = ranked[j];
                j--;
            }

            ranked[j + 1] = item;
        }
    }

    private void MoveWeightedDrawToFront(Span<int> ranked)
    {
        long total = 0;
        foreach (var index in ranked)
        {
            total += _deployments[index].Weight;
        }

        if (total == 0)
        {
            return;
        }

        var draw = Random.Shared.NextInt64(total);
        for (var i = 0; i < ranked.Length; i++)
        {
            draw -= _deployments[ranked[i]].Weight;
            if (draw < 0)
            {
                // The drawn one goes first; the rest keep their price order as fallbacks.
                var chosen = ranked[i];
                ranked[..i].CopyTo(ranked[1..]);
                ranked[0] = chosen;
                return;
            }
        }
    }

    private ResolvedPolicy Resolve(AiRoutingPolicy policy, string owner)
    {
        var fallbacks = new List<int>();
        foreach (var model in policy.Fallbacks)
        {
            if (!_byName.TryGetValue(model, out var deployments))
            {
                throw AllixiosException.Invalid("unknown_fallback_model", $"AiRouting: {owner} falls back to '{model}', which no deployment serves.");
            }

            fallbacks.AddRange(deployments);
        }

        return new ResolvedPolicy(policy, [.. fallbacks]);
    }

    private static int[] Order(DeploymentState[] deployments, Comparison<DeploymentState> comparison)
    {
        var sorted = (DeploymentState[])deployments.Clone();
        // Array.Sort is unstable; configuration order breaks remaining ties so routing is deterministic.
        Array.Sort(sorted, (a, b) => comparison(a, b) is var c && c != 0 ? c : a.Index.CompareTo(b.Index));
        var order = new int[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            order[i] = sorted[i].Index;
        }

        return order;
    }
}
