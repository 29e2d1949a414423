namespace Allixios.Webhooks;

/// <summary>The names of <see cref="WebhookMessageState"/> as stored and as the API spells them: <c>pending</c>, <c>delivered</c>, <c>failed</c>.</summary>
public static class WebhookMessageStates
{
    /// <summary>The state's name.</summary>
    public static string ToName(WebhookMessageState state) => state switch
    {
        WebhookMessageState.Pending => "pending",
        WebhookMessageState.Delivered => "delivered",
        WebhookMessageState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a webhook message state."),
    };

    /// <summary>The state of a name, or <see langword="null"/> when it is none.</summary>
    public static WebhookMessageState? TryParse(string? name) => name switch
    {
        "pending" => WebhookMessageState.Pending,
        "delivered" => WebhookMessageState.Delivered,
        "failed" => WebhookMessageState.Failed,
        _ => null,
    };
}
