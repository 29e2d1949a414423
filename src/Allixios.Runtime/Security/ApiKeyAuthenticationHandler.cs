using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Allixios.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Allixios.Runtime.Security;

/// <summary>
/// Authenticates requests by API key, sent as <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>.
/// A request without a key gets no identity (not a failure), so anonymous endpoints keep working; the
/// <see cref="ApiKeyInterceptor"/> turns a missing or refused key into a clear Unauthenticated error.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    // One principal per verified key: the authenticator hands out the same ApiKey instance for as long as it remembers
    // the key, so a busy key's claims are built once rather than per request. Keyed by that instance, so a revoked,
    // changed or forgotten key (a new instance, or none) never finds an old principal, and entries go with their keys.
    private static readonly ConditionalWeakTable<ApiKey, ClaimsPrincipal> Principals = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request.Headers);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        var result = await authenticator.AuthenticateAsync(presented, Context.RequestAborted);
        if (!result.Succeeded)
        {
            return AuthenticateResult.Fail(result.Message);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(Principals.GetValue(result.Key!, Principal), SchemeName));
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
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, CallerClaims.KeyId, roleType: null));
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
