using System.Text.RegularExpressions;

namespace Allixios.Tenancy;

/// <summary>
/// API key scopes. A scope is <c>admin</c> or <c>area:read</c> / <c>area:write</c>; <c>area:write</c> implies
/// <c>area:read</c>, and <c>admin</c> (granted only to keys of the <c>system</c> tenant) implies every scope on every tenant.
/// </summary>
public static partial class ApiScopes
{
    /// <summary>Platform administration: every scope, on every tenant.</summary>
    public const string Admin = "admin";

    /// <summary>Read the tenant's own API keys.</summary>
    public const string KeysRead = "keys:read";

    /// <summary>Issue and revoke the tenant's own API keys.</summary>
    public const string KeysWrite = "keys:write";

    /// <summary>Read content.</summary>
    public const string ContentRead = "content:read";

    /// <summary>Create and change content.</summary>
    public const string ContentWrite = "content:write";

    /// <summary>Read jobs.</summary>
    public const string JobsRead = "jobs:read";

    /// <summary>Enqueue, cancel and retry jobs.</summary>
    public const string JobsWrite = "jobs:write";

    /// <summary>Read the tenant's cache entries and the cache statistics.</summary>
    public const string CacheRead = "cache:read";

    /// <summary>Set, remove and invalidate the tenant's cache entries.</summary>
    public const string CacheWrite = "cache:write";

    /// <summary>List the AI models the tenant may use.</summary>
    public const string AiRead = "ai:read";

    /// <summary>Call AI models (completions, embeddings), which spends money.</summary>
    public const string AiWrite = "ai:write";

    /// <summary>Run search queries and read indexed documents.</summary>
    public const string SearchRead = "search:read";

    /// <summary>Index, replace and delete search documents, and reindex.</summary>
    public const string SearchWrite = "search:write";

    /// <summary>Read the tenant's budgets.</summary>
    public const string BudgetsRead = "budgets:read";

    /// <summary>Create, change and delete the tenant's budgets.</summary>
    public const string BudgetsWrite = "budgets:write";

    /// <summary>Read the tenant's usage ledger and analytics.</summary>
    public const string UsageRead = "usage:read";

    /// <summary>Read the tenant's webhook subscriptions, messages and delivery log.</summary>
    public const string WebhooksRead = "webhooks:read";

    /// <summary>Create, change and delete the tenant's webhook subscriptions, send test events and redeliver messages.</summary>
    public const string WebhooksWrite = "webhooks:write";

    /// <summary>Read the workflows of the runtime's n8n, their recorded versions and execution analyses.</summary>
    public const string N8nRead = "n8n:read";

    /// <summary>Create, change, activate, deactivate, sync and roll back the workflows of the runtime's n8n.</summary>
    public const string N8nWrite = "n8n:write";

    /// <summary>Whether <paramref name="scope"/> is well formed.</summary>
    public static bool IsValid(string? scope) => scope is not null && ScopePattern().IsMatch(scope);

    /// <summary>Whether a key holding <paramref name="granted"/> may act where <paramref name="required"/> is needed.</summary>
    public static bool Satisfies(IReadOnlyCollection<string> granted, string required)
    {
        ArgumentNullException.ThrowIfNull(granted);
        if (granted.Contains(Admin) || granted.Contains(required))
        {
            return true;
        }

        return required.EndsWith(":read", StringComparison.Ordinal)
            && granted.Contains(string.Concat(required.AsSpan(0, required.Length - ":read".Length), ":write"));
    }

    internal static IReadOnlyList<string> Normalize(IEnumerable<string>? scopes, string tenantId)
    {
        var list = (scopes ?? []).Select(s => s?.Trim() ?? string.Empty).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            throw AllixiosException.Invalid("missing_scopes", "An API key needs at least one scope, e.g. 'content:read', 'jobs:write' or 'admin'.");
        }

        foreach (var scope in list)
        {
            if (!IsValid(scope))
            {
                throw AllixiosException.Invalid("invalid_scope", $"Scope '{scope}' is not valid: use 'admin' or 'area:read' / 'area:write' with a lower-case area (e.g. 'content:read').");
            }
        }

        if (list.Contains(Admin) && tenantId != TenantIds.System)
        {
            throw AllixiosException.Invalid("admin_scope_not_allowed", $"The 'admin' scope can only be granted to keys of the '{TenantIds.System}' tenant; tenant '{tenantId}' can use 'keys:write' to manage its own keys.");
        }

        return list;
    }

    // \z, not $: .NET's $ also matches before a final newline.
    [GeneratedRegex(@"^(admin|[a-z][a-z0-9-]{0,39}:(read|write))\z", RegexOptions.CultureInvariant)]
    private static partial Regex ScopePattern();
}
