using System.Net;

namespace Allixios.N8nBridge;

/// <summary>n8n refused or failed a call; the message says what n8n answered and what to check.</summary>
public sealed class N8nApiException : Exception
{
    /// <summary>Creates the error.</summary>
    public N8nApiException(HttpStatusCode statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status n8n answered with.</summary>
    public HttpStatusCode StatusCode { get; }
}
