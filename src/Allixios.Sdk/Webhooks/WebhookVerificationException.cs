namespace Allixios.Webhooks;

/// <summary>A received webhook is not authentic or not fresh (see <see cref="StandardWebhook.Verify"/>).</summary>
public sealed class WebhookVerificationException : Exception
{
    /// <summary>Creates the error.</summary>
    public WebhookVerificationException()
    {
    }

    /// <summary>Creates the error with what failed.</summary>
    public WebhookVerificationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with what failed and its cause.</summary>
    public WebhookVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
