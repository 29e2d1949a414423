using Allixios.Runtime.Errors;
using Allixios.Tenancy;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Allixios.Runtime.Security;

/// <summary>
/// Requires an authenticated API key for every Allixios service call, over gRPC and transcoded HTTP alike, and
/// says why a key was refused (missing, unknown, revoked, expired). Health and reflection stay open.
/// </summary>
internal sealed class ApiKeyInterceptor : Interceptor
{
    private const string ProtectedPrefix = "/allixios.";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await EnsureAuthenticatedAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await EnsureAuthenticatedAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await EnsureAuthenticatedAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await EnsureAuthenticatedAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    /// <summary>Throws Unauthenticated, saying why, unless the request carries a valid API key; endpoints outside gRPC call it too.</summary>
    public static Task EnsureAuthenticatedAsync(HttpContext http) =>
        EnsureAuthenticatedAsync(http, http.RequestServices.GetRequiredService<ApiKeyAuthenticator>());

    /// <summary>
    /// <see cref="EnsureAuthenticatedAsync(HttpContext)"/> with the authenticator (a singleton) at hand, for endpoints
    /// that take it once rather than open the request's service scope for it.
    /// </summary>
    public static async Task EnsureAuthenticatedAsync(HttpContext http, ApiKeyAuthenticator authenticator)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            return;
        }

        var (principal, refusal) = await ApiKeyAuthentication.AuthenticateAsync(http, authenticator);
        if (principal is not null)
        {
            http.User = principal;
            return;
        }

        var message = refusal ?? "No API key was sent: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.";
        throw ErrorMapping.WithReason(new Status(StatusCode.Unauthenticated, message), http, refusal is null ? "missing_api_key" : "invalid_api_key");
    }

    private static async Task EnsureAuthenticatedAsync(ServerCallContext context)
    {
        if (context.Method.StartsWith(ProtectedPrefix, StringComparison.Ordinal))
        {
            await EnsureAuthenticatedAsync(context.GetHttpContext());
        }
    }
}
