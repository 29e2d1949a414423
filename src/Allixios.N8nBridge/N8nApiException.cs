using System.Net;

namespace Allixios.N8nBridge;

/// <summary>n8n refused or failed a call; the message says what n8n answered and what to check.</summary>
public sealed class N8nApiException : Exception
{
    /// <summary>Creates the error.</summary>
    public N8nApiException(HttpStatusCode statusCode, string message, Exception? innerException = null)
        : this(statusCode, message, n8nMessage: null, innerException)
    {
    }

    /// <summary>Creates the error with n8n's own message.</summary>
    public N8nApiException(HttpStatusCode statusCode, string message, string? n8nMessage, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        N8nMessage = n8nMessage;
    }

    /// <summary>The HTTP status n8n answered with (<see cref="HttpStatusCode.ServiceUnavailable"/> when it could not be reached).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>n8n's own message (the <c>message</c> of its error body), when it sent one.</summary>
    public string? N8nMessage { get; }
}
