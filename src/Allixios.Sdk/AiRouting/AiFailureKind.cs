namespace Allixios.AiRouting;

/// <summary>Why a provider call failed; it decides whether the router retries, falls over or gives up.</summary>
public enum AiFailureKind
{
    /// <summary>The provider said 429: too many requests. Retried with backoff, then the next deployment is tried.</summary>
    RateLimited,

    /// <summary>A 5xx, an overload, a timeout or a broken connection. Retried with backoff, then the next deployment is tried.</summary>
    Unavailable,

    /// <summary>The prompt and the output do not fit the model's context window. The next deployment is tried (one with a larger window may fit).</summary>
    ContextLengthExceeded,

    /// <summary>The provider's content policy refused the request. The next deployment is tried.</summary>
    ContentPolicy,

    /// <summary>The provider refused the credentials, does not know the model or redirected the call (3xx, not followed): a configuration error. The next deployment is tried.</summary>
    Unauthorized,

    /// <summary>The provider refused the request as invalid (a 4xx other than the ones above). Not retried: the caller must fix the request.</summary>
    Rejected,

    /// <summary>A stream broke after its first token was delivered. Not retried: part of the answer already reached the caller.</summary>
    StreamInterrupted,
}
