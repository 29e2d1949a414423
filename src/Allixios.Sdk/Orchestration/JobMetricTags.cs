using System.Collections.Concurrent;

namespace Allixios.Orchestration;

/// <summary>
/// The tenant tag of the job metrics, bounded: the first <see cref="OrchestrationOptions.MetricsMaxTenants"/> tenants
/// seen by this process are named, later ones are counted together as <see cref="Other"/>, so a platform with many
/// tenants cannot blow up the metrics' cardinality.
/// </summary>
internal static class JobMetricTags
{
    /// <summary>The tenant tag of the tenants beyond the limit.</summary>
    public const string Other = "_other";

    private static readonly ConcurrentDictionary<string, bool> Named = new(StringComparer.Ordinal);

    public static string Tenant(string tenantId, int maxTenants)
    {
        if (Named.ContainsKey(tenantId))
        {
            return tenantId;
        }

        // A race may name a few more than the limit; the bound matters, not its exact value.
        if (Named.Count >= maxTenants)
        {
            return Other;
        }

        Named.TryAdd(tenantId, true);
        return tenantId;
    }
}
