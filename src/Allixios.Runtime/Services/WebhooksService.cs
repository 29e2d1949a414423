using System.Globalization;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Allixios.Webhooks;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>Webhooks over gRPC and HTTP/JSON: checks the caller's scope, then hands over to <see cref="WebhookClient"/>.</summary>
internal sealed class WebhooksService(WebhookClient webhooks) : Contracts.V1.Webhooks.WebhooksBase
{
    public override async Task<Contracts.V1.WebhookSubscription> CreateWebhookSubscription(CreateWebhookSubscriptionRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksWrite);
        var spec = new WebhookSubscriptionSpec(request.Url, [.. request.EventTypes]) { Description = request.Description, Enabled = !request.HasEnabled || request.Enabled };
        return ToContract(await webhooks.CreateSubscriptionAsync(caller.TenantId, spec, context.CancellationToken), withSecret: true);
    }

    public override async Task<Contracts.V1.WebhookSubscription> GetWebhookSubscription(GetWebhookSubscriptionRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksRead);
        return ToContract(await webhooks.GetSubscriptionAsync(caller.TenantId, Id(request.SubscriptionId, "subscription"), context.CancellationToken), withSecret: false);
    }

    public override async Task<ListWebhookSubscriptionsResponse> ListWebhookSubscriptions(ListWebhookSubscriptionsRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksRead);
        var response = new ListWebhookSubscriptionsResponse();
        response.Subscriptions.Add((await webhooks.ListSubscriptionsAsync(caller.TenantId, context.CancellationToken)).Select(s => ToContract(s, withSecret: false)));
        return response;
    }

    public override async Task<Contracts.V1.WebhookSubscription> UpdateWebhookSubscription(UpdateWebhookSubscriptionRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksWrite);
        var id = Id(request.SubscriptionId, "subscription");
        var spec = new WebhookSubscriptionSpec(request.Url, [.. request.EventTypes]) { Description = request.Description, Enabled = !request.HasEnabled || request.Enabled };
        return ToContract(await webhooks.UpdateSubscriptionAsync(caller.TenantId, id, spec, context.CancellationToken), withSecret: false);
    }

    public override async Task<Empty> DeleteWebhookSubscription(DeleteWebhookSubscriptionRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksWrite);
        await webhooks.DeleteSubscriptionAsync(caller.TenantId, Id(request.SubscriptionId, "subscription"), context.CancellationToken);
        return new Empty();
    }

    public override async Task<Contracts.V1.WebhookSubscription> RotateWebhookSecret(RotateWebhookSecretRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksWrite);
        return ToContract(await webhooks.RotateSecretAsync(caller.TenantId, Id(request.SubscriptionId, "subscription"), context.CancellationToken), withSecret: true);
    }

    public override async Task<Contracts.V1.WebhookMessage> SendTestWebhook(SendTestWebhookRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksWrite);
        return ToContract(await webhooks.SendTestAsync(caller.TenantId, Id(request.SubscriptionId, "subscription"), context.CancellationToken));
    }

    public override async Task<ListWebhookMessagesResponse> ListWebhookMessages(ListWebhookMessagesRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksRead);
        WebhookMessageState? state = request.State.Length == 0 ? null : WebhookMessageStates.TryParse(request.State)
            ?? throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_state", $"'{request.State}' is not a webhook message state: use pending, delivered or failed.");
        var size = PageTokens.Size(request.PageSize);
        long? before = PageTokens.Decode(request.PageToken) is { } token
            ? long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_page_token", "The page token is not valid: pass the next_page_token of the previous page unchanged, or none for the first page.")
            : null;
        var query = new WebhookMessageQuery(caller.TenantId)
        {
            SubscriptionId = request.SubscriptionId.Length == 0 ? null : Id(request.SubscriptionId, "subscription"),
            State = state,
            Before = before,
            Limit = size,
        };
        var page = await webhooks.ListMessagesAsync(query, context.CancellationToken);
        var response = new ListWebhookMessagesResponse();
        response.Messages.Add(page.Select(ToContract));
        if (page.Count == size)
        {
            response.NextPageToken = PageTokens.Encode(page[^1].Position.ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    public override async Task<Contracts.V1.WebhookMessage> GetWebhookMessage(GetWebhookMessageRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksRead);
        return ToContract(await webhooks.GetMessageAsync(caller.TenantId, Id(request.MessageId, "message"), context.CancellationToken));
    }

    public override async Task<ListWebhookAttemptsResponse> ListWebhookAttempts(ListWebhookAttemptsRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksRead);
        var response = new ListWebhookAttemptsResponse();
        response.Attempts.Add((await webhooks.ListAttemptsAsync(caller.TenantId, Id(request.MessageId, "message"), context.CancellationToken)).Select(a => new Contracts.V1.WebhookAttempt
        {
            Time = Timestamp.FromDateTimeOffset(a.At),
            StatusCode = a.StatusCode ?? 0,
            Duration = Duration.FromTimeSpan(a.Duration),
            ResponseExcerpt = a.ResponseExcerpt ?? string.Empty,
            Error = a.Error ?? string.Empty,
            Succeeded = a.Succeeded,
        }));
        return response;
    }

    public override async Task<Contracts.V1.WebhookMessage> RedeliverWebhookMessage(RedeliverWebhookMessageRequest request, ServerCallContext context)
    {
        var caller = Caller(context, ApiScopes.WebhooksWrite);
        return ToContract(await webhooks.RedeliverAsync(caller.TenantId, Id(request.MessageId, "message"), context.CancellationToken));
    }

    public override Task<ListWebhookEventTypesResponse> ListWebhookEventTypes(ListWebhookEventTypesRequest request, ServerCallContext context)
    {
        Caller(context, ApiScopes.WebhooksRead);
        var response = new ListWebhookEventTypesResponse();
        response.EventTypes.Add(webhooks.Catalog.All.Select(t => new Contracts.V1.WebhookEventType { Name = t.Name, Description = t.Description }));
        return Task.FromResult(response);
    }

    private static Contracts.V1.WebhookSubscription ToContract(Allixios.Webhooks.WebhookSubscription s, bool withSecret)
    {
        var contract = new Contracts.V1.WebhookSubscription
        {
            SubscriptionId = s.Id.ToString(),
            TenantId = s.TenantId,
            Url = s.Url,
            Secret = withSecret ? s.Secret : string.Empty,
            Enabled = s.Enabled,
            Description = s.Description,
            DisabledReason = s.DisabledReason ?? string.Empty,
            CreateTime = Timestamp.FromDateTimeOffset(s.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(s.UpdatedAt),
        };
        contract.EventTypes.Add(s.EventTypes);
        return contract;
    }

    private static Contracts.V1.WebhookMessage ToContract(Allixios.Webhooks.WebhookMessage m) => new()
    {
        MessageId = m.Id.ToString(),
        WebhookId = m.WebhookId,
        SubscriptionId = m.SubscriptionId.ToString(),
        EventType = m.EventType,
        Payload = m.Payload,
        State = WebhookMessageStates.ToName(m.State),
        Attempts = m.Attempts,
        CreateTime = Timestamp.FromDateTimeOffset(m.CreatedAt),
        NextAttemptTime = m.NextAttemptAt is { } next ? Timestamp.FromDateTimeOffset(next) : null,
        LastAttemptTime = m.LastAttemptAt is { } last ? Timestamp.FromDateTimeOffset(last) : null,
        DeliverTime = m.DeliveredAt is { } delivered ? Timestamp.FromDateTimeOffset(delivered) : null,
        LastStatusCode = m.LastStatusCode ?? 0,
        LastError = m.LastError ?? string.Empty,
    };

    private static Guid Id(string text, string what) => Guid.TryParseExact(text, "D", out var id)
        ? id
        : throw new AllixiosException(AllixiosErrorKind.InvalidArgument, $"invalid_{what}_id", $"'{text}' is not a webhook {what} id: use the {what}_id a create or list returned, e.g. 0193a5c4-7d1e-7c3a-9f00-4b1d2e3f4a5b.");

    private static Caller Caller(ServerCallContext context, string scope)
    {
        var caller = Security.Caller.From(context);
        caller.Require(scope);
        return caller;
    }
}
