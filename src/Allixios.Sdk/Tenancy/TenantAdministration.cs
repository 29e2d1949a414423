using System.Globalization;

namespace Allixios.Tenancy;

/// <summary>
/// Creates and changes tenants and issues and revokes their API keys, validating every input and writing
/// each change to the audit log. Hosts call it after checking the caller's scopes.
/// </summary>
public sealed class TenantAdministration(ITenantStore tenants, IApiKeyStore keys, IAuditLog audit, TimeProvider time, ApiKeyAuthenticator? authenticator = null)
{
    /// <summary>The most tenants or audit entries one page returns.</summary>
    public const int MaxPageSize = 500;

    private const int MaxNameLength = 100;
    private const int MaxFlagNameLength = 100;
    private const int MaxFlagsPerTenant = 200;

    /// <summary>Creates a tenant.</summary>
    /// <exception cref="AllixiosException">The id is invalid or taken, or a limit or flag name is invalid.</exception>
    public async ValueTask<Tenant> CreateTenantAsync(NewTenant request, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TenantIds.Validate(request.Id);
        var now = time.GetUtcNow();
        var tenant = new Tenant(
            request.Id,
            ValidName(string.IsNullOrWhiteSpace(request.DisplayName) ? request.Id : request.DisplayName, "display name"),
            ValidLimits(request.Limits ?? new Dictionary<string, long>()),
            ValidFeatures(request.Features ?? new Dictionary<string, bool>()),
            now,
            now);
        if (!await tenants.TryCreateAsync(tenant, cancellationToken))
        {
            throw AllixiosException.Exists("tenant_exists", $"Tenant '{request.Id}' exists already: choose another id.");
        }

        await AuditAsync(tenant.Id, actor, "tenant.create", tenant.Id, new() { ["display_name"] = tenant.DisplayName }, cancellationToken);
        return tenant;
    }

    /// <summary>The tenant, or an error that says it does not exist.</summary>
    public async ValueTask<Tenant> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        return await tenants.GetAsync(tenantId, cancellationToken) ?? throw TenantNotFound(tenantId);
    }

    /// <summary>A page of tenants in id order, after <paramref name="afterId"/>.</summary>
    public ValueTask<IReadOnlyList<Tenant>> ListTenantsAsync(string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            throw AllixiosException.Invalid("invalid_page_size", $"Page size {limit} is out of range: use 1 to {MaxPageSize}.");
        }

        return tenants.ListAsync(string.IsNullOrEmpty(afterId) ? null : afterId, limit, cancellationToken);
    }

    /// <summary>Changes a tenant's display name, limits or feature flags.</summary>
    public async ValueTask<Tenant> UpdateTenantAsync(string tenantId, TenantChanges changes, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var tenant = await GetTenantAsync(tenantId, cancellationToken);
        var limits = new Dictionary<string, long>(tenant.Limits);
        foreach (var (name, value) in ValidLimits(changes.Limits ?? new Dictionary<string, long>(), allowRemoval: true))
        {
            if (value < 0)
            {
                limits.Remove(name);
            }
            else
            {
                limits[name] = value;
            }
        }

        var features = new Dictionary<string, bool>(tenant.Features);
        foreach (var (name, on) in ValidFeatures(changes.Features ?? new Dictionary<string, bool>()))
        {
            features[name] = on;
        }

        foreach (var removed in changes.RemovedFeatures ?? [])
        {
            features.Remove(removed);
        }

        var updated = tenant with
        {
            DisplayName = changes.DisplayName is null ? tenant.DisplayName : ValidName(changes.DisplayName, "display name"),
            Limits = ValidLimits(limits),
            Features = ValidFeatures(features),
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await tenants.TryUpdateAsync(updated, cancellationToken))
        {
            throw TenantNotFound(tenantId);
        }

        await AuditAsync(tenantId, actor, "tenant.update", tenantId, Describe(changes), cancellationToken);
        return updated;
    }

    /// <summary>Issues a key for the tenant; the returned secret is shown this once.</summary>
    public async ValueTask<IssuedApiKey> IssueApiKeyAsync(string tenantId, NewApiKey request, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await GetTenantAsync(tenantId, cancellationToken);
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            throw AllixiosException.Invalid("invalid_expiry", $"Expiry {expiresAt:O} is in the past: give a future time, or none for a key that does not expire.");
        }

        var secret = ApiKeySecret.Generate();
        var key = await StoreKeyAsync(tenantId, ApiKeySecret.NewKeyId(), request, secret, now, cancellationToken);
        await AuditAsync(tenantId, actor, "api_key.create", key.Id, new() { ["name"] = key.Name, ["scopes"] = string.Join(' ', key.Scopes) }, cancellationToken);
        return new IssuedApiKey(key, secret);
    }

    /// <summary>The tenant's keys (never their secrets), newest first.</summary>
    public async ValueTask<IReadOnlyList<ApiKey>> ListApiKeysAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await GetTenantAsync(tenantId, cancellationToken);
        return await keys.ListAsync(tenantId, cancellationToken);
    }

    /// <summary>Revokes a key: it stops authenticating at once. Revoking a revoked key changes nothing.</summary>
    public async ValueTask<ApiKey> RevokeApiKeyAsync(string tenantId, string keyId, string actor, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        var key = await keys.RevokeAsync(tenantId, keyId ?? string.Empty, time.GetUtcNow(), cancellationToken)
            ?? throw AllixiosException.NotFound("api_key_not_found", $"Tenant '{tenantId}' has no API key '{keyId}': list the tenant's keys to find its id.");
        // The authenticator remembers verified keys; this one must not be let through from memory.
        authenticator?.Forget(key.Id);
        await AuditAsync(tenantId, actor, "api_key.revoke", key.Id, new() { ["name"] = key.Name }, cancellationToken);
        return key;
    }

    /// <summary>The tenant's newest audit entries first.</summary>
    public async ValueTask<IReadOnlyList<AuditEntry>> ListAuditLogAsync(string tenantId, int limit, CancellationToken cancellationToken = default)
    {
        await GetTenantAsync(tenantId, cancellationToken);
        if (limit is < 1 or > MaxPageSize)
        {
            throw AllixiosException.Invalid("invalid_page_size", $"Page size {limit} is out of range: use 1 to {MaxPageSize}.");
        }

        return await audit.ListAsync(tenantId, limit, cancellationToken);
    }

    /// <summary>
    /// Makes sure the <c>system</c> tenant exists and holds an admin key with <paramref name="secret"/>; used for the
    /// bootstrap key. Returns <see langword="false"/> when that key was registered before.
    /// </summary>
    public async ValueTask<bool> EnsureAdminKeyAsync(string secret, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        await EnsureSystemTenantAsync(cancellationToken);
        if (await keys.FindBySecretHashAsync(ApiKeySecret.Hash(secret), cancellationToken) is not null)
        {
            return false;
        }

        ApiKey key;
        try
        {
            key = await StoreKeyAsync(TenantIds.System, ApiKeySecret.NewKeyId(), new NewApiKey(name, [ApiScopes.Admin]), secret, time.GetUtcNow(), cancellationToken);
        }
        catch (AllixiosException e) when (e.Kind == AllixiosErrorKind.AlreadyExists)
        {
            // Another replica starting at the same moment registered the same key first.
            return false;
        }

        await AuditAsync(TenantIds.System, TenantIds.System, "api_key.bootstrap", key.Id, new() { ["name"] = name }, cancellationToken);
        return true;
    }

    /// <summary>Whether the <c>system</c> tenant holds an active admin key.</summary>
    public async ValueTask<bool> HasActiveAdminKeyAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var systemKeys = await keys.ListAsync(TenantIds.System, cancellationToken);
        return systemKeys.Any(k => k.IsActiveAt(now) && k.Scopes.Contains(ApiScopes.Admin));
    }

    private async ValueTask EnsureSystemTenantAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var system = new Tenant(TenantIds.System, "Platform administration", new Dictionary<string, long>(), new Dictionary<string, bool>(), now, now);
        if (await tenants.TryCreateAsync(system, cancellationToken))
        {
            await AuditAsync(TenantIds.System, TenantIds.System, "tenant.create", TenantIds.System, [], cancellationToken);
        }
    }

    private async ValueTask<ApiKey> StoreKeyAsync(string tenantId, string keyId, NewApiKey request, string secret, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = new ApiKey(
            keyId,
            tenantId,
            ValidName(request.Name, "key name"),
            ApiScopes.Normalize(request.Scopes, tenantId),
            ApiKeySecret.DisplayPrefix(secret),
            now,
            request.ExpiresAt,
            RevokedAt: null,
            LastUsedAt: null);
        await keys.CreateAsync(key, ApiKeySecret.Hash(secret), cancellationToken);
        return key;
    }

    private ValueTask AuditAsync(string tenantId, string actor, string action, string target, Dictionary<string, string> details, CancellationToken cancellationToken)
        => audit.AppendAsync(new AuditEntry(tenantId, string.IsNullOrWhiteSpace(actor) ? "unknown" : actor, action, target, time.GetUtcNow(), details), cancellationToken);

    private static AllixiosException TenantNotFound(string tenantId)
        => AllixiosException.NotFound("tenant_not_found", $"Tenant '{tenantId}' does not exist: list tenants to find its id, or create it first.");

    private static string ValidName(string? name, string what)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw AllixiosException.Invalid("invalid_name", $"The {what} must be 1 to {MaxNameLength} characters; got {trimmed.Length}.");
        }

        return trimmed;
    }

    private static Dictionary<string, long> ValidLimits(IReadOnlyDictionary<string, long> limits, bool allowRemoval = false)
    {
        CheckFlagNames(limits.Keys, "limit");
        foreach (var (name, value) in limits)
        {
            if (value < 0 && !allowRemoval)
            {
                throw AllixiosException.Invalid("invalid_limit", $"Limit '{name}' is {value}: limits are zero or more.");
            }
        }

        return new Dictionary<string, long>(limits, StringComparer.Ordinal);
    }

    private static Dictionary<string, bool> ValidFeatures(IReadOnlyDictionary<string, bool> features)
    {
        CheckFlagNames(features.Keys, "feature flag");
        return new Dictionary<string, bool>(features, StringComparer.Ordinal);
    }

    private static void CheckFlagNames(IEnumerable<string> names, string what)
    {
        var count = 0;
        foreach (var name in names)
        {
            count++;
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxFlagNameLength || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
            {
                throw AllixiosException.Invalid("invalid_setting_name", $"The {what} name '{name}' is not valid: use 1 to {MaxFlagNameLength} letters, digits, '.', '_' or '-' (e.g. 'jobs.concurrency').");
            }
        }

        if (count > MaxFlagsPerTenant)
        {
            throw AllixiosException.Invalid("too_many_settings", $"A tenant can have at most {MaxFlagsPerTenant} {what}s; got {count}.");
        }
    }

    private static Dictionary<string, string> Describe(TenantChanges changes)
    {
        var details = new Dictionary<string, string>();
        if (changes.DisplayName is not null)
        {
            details["display_name"] = changes.DisplayName;
        }

        foreach (var (name, value) in changes.Limits ?? new Dictionary<string, long>())
        {
            details["limit." + name] = value.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (name, on) in changes.Features ?? new Dictionary<string, bool>())
        {
            details["feature." + name] = on ? "on" : "off";
        }

        foreach (var name in changes.RemovedFeatures ?? [])
        {
            details["feature." + name] = "removed";
        }

        return details;
    }
}
