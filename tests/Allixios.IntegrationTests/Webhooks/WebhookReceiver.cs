using System.Collections.Concurrent;
using System.Threading.Channels;
using Allixios.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Allixios.IntegrationTests.Webhooks;

/// <summary>
/// A real HTTP receiver: Kestrel on a free loopback port, recording every POST to <c>/hooks</c> (the three Standard
/// Webhooks headers, the raw body, when it came) and answering with the next scripted status, 200 once the script is used up.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The URL to subscribe.</summary>
    public string Url { get; private set; } = string.Empty;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver._script.TryDequeue(out var next) ? next : 200;
            await receiver._received.Writer.WriteAsync(new ReceivedWebhook(
                context.Request.Headers[StandardWebhook.IdHeader].ToString(),
                context.Request.Headers[StandardWebhook.TimestampHeader].ToString(),
                context.Request.Headers[StandardWebhook.SignatureHeader].ToString(),
                context.Request.ContentType,
                body,
                DateTimeOffset.UtcNow,
                status));
            context.Response.StatusCode = status;
            await context.Response.WriteAsync($"answered {status}");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = address.TrimEnd('/') + "/hooks";
        return receiver;
    }

    /// <summary>Answers the next requests with these statuses, in order.</summary>
    public WebhookReceiver Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(status);
        }

        return this;
    }

    /// <summary>The next request received, waiting up to <paramref name="timeout"/> for it.</summary>
    public async Task<ReceivedWebhook> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _received.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No webhook arrived at {Url} within {timeout}.");
        }
    }

    /// <summary>Whether a request arrived that was not read yet.</summary>
    public bool HasUnread => _received.Reader.TryPeek(out _);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>One request a <see cref="WebhookReceiver"/> got.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string? ContentType, string Body, DateTimeOffset At, int AnsweredStatus)
{
    /// <summary>Checks the signature with <paramref name="secret"/> as a receiver would, against the real clock.</summary>
    public void Verify(string secret) => StandardWebhook.Verify(secret, Body, Id, Timestamp, Signature, DateTimeOffset.UtcNow);
}
