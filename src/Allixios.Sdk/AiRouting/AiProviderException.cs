using System.Net;

namespace Allixios.AiRouting;

/// <summary>A model provider failed a call: its HTTP status, the provider's own error type and code, and what kind of failure it is.</summary>
public sealed class AiProviderException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="kind">What kind of failure it is.</param>
    /// <param name="provider">The provider (or deployment) that failed.</param>
    /// <param name="message">What went wrong, with the provider's own message.</param>
    /// <param name="statusCode">The HTTP status, when there was a response.</param>
    /// <param name="errorType">The provider's error type, e.g. <c>rate_limit_error</c>.</param>
    /// <param name="errorCode">The provider's error code, e.g. <c>context_length_exceeded</c>.</param>
    /// <param name="retryAfter">How long the provider asked callers to wait, from <c>Retry-After</c>.</param>
    /// <param name="innerException">The error underneath, if any.</param>
    public AiProviderException(
        AiFailureKind kind,
        string provider,
        string message,
        HttpStatusCode? statusCode = null,
        string? errorType = null,
        string? errorCode = null,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Provider = provider;
        StatusCode = statusCode;
        ErrorType = errorType;
        ErrorCode = errorCode;
        RetryAfter = retryAfter;
    }

    /// <summary>What kind of failure it is.</summary>
    public AiFailureKind Kind { get; }

    /// <summary>The provider (or, from the router, the deployment) that failed.</summary>
    public string Provider { get; }

    /// <summary>The HTTP status, when there was a response.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The provider's error type, e.g. <c>rate_limit_error</c> or <c>invalid_request_error</c>.</summary>
    public string? ErrorType { get; }

    /// <summary>The provider's error code, e.g. <c>context_length_exceeded</c>.</summary>
    public string? ErrorCode { get; }

    /// <summary>How long the provider asked callers to wait, from its <c>Retry-After</c> header.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether another deployment may succeed where this one failed.</summary>
    public bool AllowsFailover => Kind is not (AiFailureKind.Rejected or AiFailureKind.StreamInterrupted);

    /// <summary>Whether the failure says the deployment is unhealthy (counts towards its circuit breaker).</summary>
    public bool IsTransient => Kind is AiFailureKind.RateLimited or AiFailureKind.Unavailable;
}
