namespace Allixios.Tenancy;

/// <summary>An API key as stored: everything but the secret, of which only a hash is kept.</summary>
/// <param name="Id">The key id, e.g. <c>key_3f9c0a…</c>; used to revoke it.</param>
/// <param name="TenantId">The tenant the key acts for; requests made with it act for this tenant only.</param>
/// <param name="Name">A name for people, e.g. <c>n8n production</c>.</param>
/// <param name="Scopes">What the key may do (see <see cref="ApiScopes"/>).</param>
/// <param name="Prefix">The first characters of the secret, so a person can tell keys apart without the secret.</param>
/// <param name="CreatedAt">When the key was issued.</param>
/// <param name="ExpiresAt">When the key stops working, if it expires.</param>
/// <param name="RevokedAt">When the key was revoked, if it was.</param>
/// <param name="LastUsedAt">When the key last authenticated a request (see <see cref="AllixiosOptions.ApiKeyLastUsedResolution"/>).</param>
public sealed record ApiKey(
    string Id,
    string TenantId,
    string Name,
    IReadOnlyList<string> Scopes,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    /// <summary>Whether the key authenticates requests at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
