using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Allixios.Benchmarks.AiRouting;

/// <summary>
/// The model provider every path of <c>ai-overhead</c> ends at: a minimal Kestrel server on loopback answering
/// OpenAI's <c>POST /v1/chat/completions</c> with one fixed, realistically sized completion (a 130-token answer and
/// the usage block OpenAI sends). It reads the request body and does nothing else, so it costs the same on every path
/// and the differences between paths are the paths' own. (WireMock matches and logs every request, which would make
/// the floor slower than what stands on it.)
/// </summary>
internal sealed class UpstreamStub : IAsyncDisposable
{
    public const string Completion = """
        {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Walking the Portuguese coastal route from Porto to Vigo takes about ten days. The path follows boardwalks over the dunes at first, then fishing towns such as Vila do Conde, Póvoa de Varzim and Esposende, where grilled sardines and vinho verde reward the day's kilometres. After Caminha a small ferry crosses the Minho into Galicia, and the trail climbs through pine woods above the Atlantic before Baiona's fortress and the long descent into Vigo's old town.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":96,"completion_tokens":131,"total_tokens":227,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}
        """;

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(Completion);

    private readonly WebApplication _app;

    private UpstreamStub(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    public static async Task<UpstreamStub> StartAsync()
    {
        var app = LoopbackServer.Create();
        app.MapPost("/v1/chat/completions", async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Body.Length;
            await context.Response.Body.WriteAsync(Body, context.RequestAborted);
        });
        return new UpstreamStub(app, await LoopbackServer.StartAsync(app));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>A bare Kestrel app on a free loopback port, with no logging, for the servers <c>ai-overhead</c> runs in-process.</summary>
internal static class LoopbackServer
{
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        return builder.Build();
    }

    public static async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }
}
