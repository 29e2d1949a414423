using System.Runtime.CompilerServices;
using System.Security.Claims;
using Allixios.Tenancy;

namespace Allixios.Runtime.Security;

/// <summary>
/// Authenticates a request by API key, sent as <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>.
/// Only the calls that need a caller ask (<see cref="ApiKeyInterceptor.EnsureAuthenticatedAsync(HttpContext)"/>), so
/// health checks, metrics and documents never look for a key. This is not an ASP.NET Core authentication scheme on
/// purpose: the scheme's middleware authenticated every request up front, and its handler, made anew per request with
/// its options, logger, result and metrics, was a few per cent of each AI call's CPU for the same answer.
/// </summary>
internal static class ApiKeyAuthentication
{
    /// <summary>The authentication type of the identities made here.</summary>
    public const string AuthenticationType = "ApiKey";

    // One principal per verified key: the authenticator hands out the same ApiKey instance for as long as it remembers
    // the key, so a busy key's claims are built once rather than per request. Keyed by that instance, so a revoked,
    // changed or forgotten key (a new instance, or none) never finds an old principal, and entries go with their keys.
    private static readonly ConditionalWeakTable<ApiKey, ClaimsPrincipal> Principals = new();

    /// <summary>
    /// The caller's principal; or no principal and why the key was refused, or neither when no key was sent.
    /// </summary>
    public static async ValueTask<(ClaimsPrincipal? Principal, string? Refusal)> AuthenticateAsync(HttpContext http, ApiKeyAuthenticator authenticator)
    {
        var presented = PresentedKey(http.Request.Headers);
        if (presented is null)
        {
            return (null, null);
        }

        var result = await authenticator.AuthenticateAsync(presented, http.RequestAborted);
        return result.Succeeded ? (Principals.GetValue(result.Key!, Principal), null) : (null, result.Message);
    }

    private static ClaimsPrincipal Principal(ApiKey key)
    {
        var claims = new List<Claim>
        {
            new(CallerClaims.TenantId, key.TenantId),
            new(CallerClaims.KeyId, key.Id),
            new(CallerClaims.KeyName, key.Name),
        };
        claims.AddRange(key.Scopes.Select(scope => new Claim(CallerClaims.Scope, scope)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, CallerClaims.KeyId, roleType: null));
    }

    private static string? PresentedKey(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var apiKey = headers["X-Api-Key"].ToString();
        return string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim();
    }
}
