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

        var key = result.Key!;
        var claims = new List<Claim>
        {
            new(CallerClaims.TenantId, key.TenantId),
            new(CallerClaims.KeyId, key.Id),
            new(CallerClaims.KeyName, key.Name),
        };
        claims.AddRange(key.Scopes.Select(scope => new Claim(CallerClaims.Scope, scope)));
        var identity = new ClaimsIdentity(claims, SchemeName, CallerClaims.KeyId, roleType: null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
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
