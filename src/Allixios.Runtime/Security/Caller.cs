using System.Runtime.CompilerServices;
using System.Security.Claims;
using Allixios.Tenancy;
using Grpc.Core;

namespace Allixios.Runtime.Security;

/// <summary>The authenticated caller of a request: the key, the tenant it acts for, and its scopes.</summary>
internal sealed record Caller(string TenantId, string KeyId, string KeyName, IReadOnlyCollection<string> Scopes)
{
    private static readonly ConditionalWeakTable<ClaimsPrincipal, Caller> Callers = new();

    /// <summary>The caller of a gRPC or transcoded HTTP call; the <see cref="ApiKeyInterceptor"/> guarantees there is one.</summary>
    public static Caller From(ServerCallContext context) => From(context.GetHttpContext());

    /// <summary>The caller of an HTTP request that was authenticated (<see cref="ApiKeyInterceptor.EnsureAuthenticatedAsync(HttpContext)"/>).</summary>
    public static Caller From(HttpContext http)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "An API key is required."));
        }

        // The principal of a busy key is shared by its requests (ApiKeyAuthentication), so its caller is read once.
        return Callers.GetValue(user, static user => new Caller(
            Claim(user, CallerClaims.TenantId),
            Claim(user, CallerClaims.KeyId),
            Claim(user, CallerClaims.KeyName),
            user.FindAll(CallerClaims.Scope).Select(c => c.Value).ToHashSet(StringComparer.Ordinal)));
    }

    /// <summary>Whether the caller is a platform administrator.</summary>
    public bool IsAdmin => Scopes.Contains(ApiScopes.Admin);

    /// <summary>Throws PermissionDenied unless the caller holds <paramref name="scope"/>.</summary>
    public void Require(string scope)
    {
        if (!ApiScopes.Satisfies(Scopes, scope))
        {
            throw new RpcException(new Status(
                StatusCode.PermissionDenied,
                $"This API key ('{KeyId}') lacks the '{scope}' scope; it has: {string.Join(", ", Scopes.Order(StringComparer.Ordinal))}. Use a key with '{scope}'."));
        }
    }

    /// <summary>
    /// Throws PermissionDenied unless the caller may use <paramref name="scope"/> on <paramref name="tenantId"/>:
    /// an administrator on any tenant, other keys on their own tenant only.
    /// </summary>
    public void Require(string scope, string tenantId)
    {
        if (!IsAdmin && !string.Equals(tenantId, TenantId, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(
                StatusCode.PermissionDenied,
                $"This API key acts for tenant '{TenantId}' and cannot act on tenant '{tenantId}'. Use a key of that tenant, or an admin key."));
        }

        Require(scope);
    }

    private static string Claim(ClaimsPrincipal user, string type) => user.FindFirst(type)?.Value ?? string.Empty;
}
