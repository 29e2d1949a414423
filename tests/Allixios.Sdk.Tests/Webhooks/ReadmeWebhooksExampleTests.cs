using System.Net;
using System.Text.Json;
using Allixios.Orchestration;
using Allixios.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Allixios.Sdk.Tests.Webhooks;

/// <summary>The README's webhooks example in memory, in a real host: a job's success reaches the receiver signed.</summary>
public sealed class ReadmeWebhooksExampleTests
{
    [Fact(Timeout = 60_000)]
    public async Task In_memory_a_succeeded_job_is_delivered_signed_by_the_hosted_dispatcher()
    {
        using var receiver = new RecordingHandler().Answer(HttpStatusCode.OK);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAllixios()
            .AddOrchestration()
            .AddJobHandler<Succeed>("content.generate")
            .AddWebhooks(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        // The receiver is in process here; the dispatcher's client is otherwise a real SocketsHttpHandler.
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => receiver);
        using var host = builder.Build();
        await host.StartAsync();

        var webhooks = host.Services.GetRequiredService<WebhookClient>();
        var sub = await webhooks.CreateSubscriptionAsync("acme", new WebhookSubscriptionSpec("https://n8n.example.com/webhook/abc", ["job.succeeded"]));
        var job = await host.Services.GetRequiredService<JobClient>().EnqueueAsync("acme", new NewJob("content.generate", "{}"));
        while (receiver.Received.Count == 0)
        {
            await Task.Delay(20);
        }

        var (request, body) = receiver.Received[0];
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.Single());
        StandardWebhook.Verify(sub.Secret, body, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], DateTimeOffset.UtcNow);
        using var payload = JsonDocument.Parse(body);
        Assert.Equal(job.Job.Id.ToString(), payload.RootElement.GetProperty("data").GetProperty("jobId").GetString());
        await host.StopAsync();
    }

    public sealed class Succeed : IJobHandler<JsonElement>
    {
        public ValueTask HandleAsync(JobContext<JsonElement> context) => ValueTask.CompletedTask;
    }
}
