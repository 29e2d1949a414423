using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly.Timeout;
using Refit;

namespace Allixios.AiRouting.Providers;

/// <summary>Turns the providers' error responses (OpenAI's and Anthropic's bodies, status codes, <c>Retry-After</c>) into <see cref="AiProviderException"/>.</summary>
internal static class ProviderErrors
{
    public static async Task<AiProviderException> FromResponseAsync(string provider, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? body = null;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The status says enough; a body that cannot be read must not hide it.
        }

        return FromStatus(provider, response.StatusCode, response.Headers, body);
    }

    /// <summary>The error of a Refit response that is not a usable success: a transport failure, an error status, or a body that could not be read.</summary>
    public static Exception FromApiResponse(string provider, IApiResponse response, CancellationToken cancellationToken)
    {
        if (!response.IsReceived)
        {
            return response.Error is { } error
                ? FromTransport(provider, error, cancellationToken)
                : new AiProviderException(AiFailureKind.Unavailable, provider, $"{provider} could not be reached.");
        }

        var status = response.StatusCode.GetValueOrDefault();
        return !response.IsSuccessStatusCode
            ? FromStatus(provider, status, response.Headers, (response.Error as ApiException)?.Content)
            : UnreadableBody(provider, status, response.Error?.InnerException?.Message ?? response.Error?.Message);
    }

    /// <summary>A success status whose body is not the answer the API documents.</summary>
    public static AiProviderException UnreadableBody(string provider, HttpStatusCode status, string? why) =>
        new(AiFailureKind.Unavailable, provider, $"{provider} answered {(int)status} with a body that could not be read: {why}", status);

    public static AiProviderException FromStatus(string provider, HttpStatusCode status, HttpResponseHeaders? headers, string? body)
    {
        var (type, code, message) = ParseBody(body);
        var kind = Classify((int)status, type, code, message);
        var text = $"{provider} answered {(int)status} {status}" + (message is null ? "." : $": {message}");
        return new AiProviderException(kind, provider, text, status, type, code, RetryAfter(headers));
    }

    public static AiProviderException FromStreamError(string provider, JsonElement error)
    {
        var (type, code, message) = ParseError(error);
        var kind = Classify(0, type, code, message);
        return new AiProviderException(kind, provider, $"{provider} reported an error in the stream: {message ?? type ?? "unknown error"}", errorType: type, errorCode: code);
    }

    /// <summary>A transport failure (connection refused or reset, attempt timeout) as an <see cref="AiFailureKind.Unavailable"/> error; other exceptions pass through.</summary>
    public static Exception FromTransport(string provider, Exception exception, CancellationToken cancellationToken) => exception switch
    {
        ApiRequestException { InnerException: { } inner } => FromTransport(provider, inner, cancellationToken),
        ApiRequestException => new AiProviderException(AiFailureKind.Unavailable, provider, $"{provider} could not be reached: {exception.Message}", innerException: exception),
        HttpRequestException or IOException => new AiProviderException(AiFailureKind.Unavailable, provider, $"{provider} could not be reached: {exception.Message}", innerException: exception),
        TimeoutRejectedException => new AiProviderException(AiFailureKind.Unavailable, provider, $"{provider} did not answer in time: {exception.Message}", innerException: exception),
        OperationCanceledException when !cancellationToken.IsCancellationRequested => new AiProviderException(AiFailureKind.Unavailable, provider, $"{provider} did not answer in time.", innerException: exception),
        _ => exception,
    };

    public static bool IsTransport(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or IOException or TimeoutRejectedException or ApiRequestException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    internal static AiFailureKind Classify(int status, string? type, string? code, string? message)
    {
        if (status == 429 || type is "rate_limit_error" || code is "rate_limit_exceeded")
        {
            return AiFailureKind.RateLimited;
        }

        if (code is "context_length_exceeded" || type is "context_length_exceeded" || Mentions(message, "maximum context length", "prompt is too long", "context window", "context_length"))
        {
            return AiFailureKind.ContextLengthExceeded;
        }

        if (code is "content_policy_violation" or "content_filter" || type is "content_policy_violation" || Mentions(message, "content management policy", "content policy", "content filter"))
        {
            return AiFailureKind.ContentPolicy;
        }

        if (status is 408 or >= 500 || type is "overloaded_error" or "api_error" or "server_error" || (status == 0 && type is null))
        {
            return AiFailureKind.Unavailable;
        }

        // A redirect is not followed (AddAiRouting): like a 404, it says the configured address is not the API's.
        return status is 401 or 403 or 404 or (>= 300 and < 400) || type is "authentication_error" or "permission_error" or "not_found_error"
            ? AiFailureKind.Unauthorized
            : AiFailureKind.Rejected;
    }

    private static bool Mentions(string? message, string first, string second, string third, string? fourth = null) =>
        message is not null
        && (message.Contains(first, StringComparison.OrdinalIgnoreCase)
            || message.Contains(second, StringComparison.OrdinalIgnoreCase)
            || message.Contains(third, StringComparison.OrdinalIgnoreCase)
            || (fourth is not null && message.Contains(fourth, StringComparison.OrdinalIgnoreCase)));

    private static (string? Type, string? Code, string? Message) ParseBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            // OpenAI: {"error":{"message","type","code"}}; Anthropic: {"type":"error","error":{"type","message"}};
            // Ollama and some proxies: {"error":"text"}.
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                return ParseError(error);
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page from a proxy): keep a short piece of it as the message.
        }

        return (null, null, body.Length > 300 ? body[..300] : body);
    }

    private static (string? Type, string? Code, string? Message) ParseError(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String)
        {
            return (null, null, error.GetString());
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null);
        }

        return (Text(error, "type"), Text(error, "code"), Text(error, "message"));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    // Only the delay form: the retry handler honours the date form itself, and a date would need the clock here.
    private static TimeSpan? RetryAfter(HttpResponseHeaders? headers) => headers?.RetryAfter?.Delta;
}
