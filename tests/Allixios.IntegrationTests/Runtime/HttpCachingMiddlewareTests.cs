using System.Text;
using Allixios.Runtime.Caching;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>
/// What the HTTP caching middleware lets through as it is written, in process: responses that no endpoint of the runtime
/// sends yet (Server-Sent Events, transcoded server streams), those too large to hold back, and paths it does not cover.
/// </summary>
public sealed class HttpCachingMiddlewareTests
{
    [Fact]
    public async Task Server_sent_events_pass_untouched_and_each_flush_reaches_the_client_at_once()
    {
        var wire = new RecordingStream();
        var seenAtFlush = new List<string>();
        var middleware = Middleware(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var message in new[] { "data: one\n\n", "data: two\n\n" })
            {
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(message));
                await context.Response.Body.FlushAsync();
                seenAtFlush.Add(wire.Text);
            }
        });
        var context = Get("/v1/events", wire);

        await middleware.InvokeAsync(context);

        Assert.Equal(["data: one\n\n", "data: one\n\ndata: two\n\n"], seenAtFlush);
        Assert.False(context.Response.Headers.ContainsKey(HeaderNames.ETag));
        Assert.False(context.Response.Headers.ContainsKey(HeaderNames.CacheControl));
        Assert.False(context.Response.Headers.ContainsKey(HeaderNames.Vary));
    }

    [Fact]
    public async Task A_transcoded_server_stream_keeps_its_caching_headers_but_each_message_reaches_the_client_at_its_flush()
    {
        var wire = new RecordingStream();
        var seenAtFlush = new List<string>();
        var middleware = Middleware(async context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            foreach (var message in new[] { "{\"status\":\"SERVING\"}", "{\"status\":\"NOT_SERVING\"}" })
            {
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(message));
                await context.Response.Body.FlushAsync();
                seenAtFlush.Add(wire.Text);
            }
        });
        var context = Get("/v1/health:watch", wire);

        // grpc.health.v1.Health/Watch: a server-streaming method, as transcoding describes it on its endpoint.
        var watch = Grpc.Health.V1.HealthReflection.Descriptor.Services[0].FindMethodByName("Watch");
        var transcoding = new GrpcJsonTranscodingMetadata(watch, new Google.Api.HttpRule { Get = "/v1/health:watch" });
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(transcoding), "watch"));
        await middleware.InvokeAsync(context);

        Assert.Equal(["{\"status\":\"SERVING\"}", "{\"status\":\"SERVING\"}{\"status\":\"NOT_SERVING\"}"], seenAtFlush);
        Assert.False(context.Response.Headers.ContainsKey(HeaderNames.ETag));
        Assert.Equal("private, no-cache", context.Response.Headers.CacheControl);
    }

    [Fact]
    public async Task A_json_answer_larger_than_the_bound_passes_through_whole_with_cache_control_and_no_etag()
    {
        var wire = new RecordingStream();
        var json = "[" + string.Join(',', Enumerable.Range(0, 1000).Select(i => $"\"item {i}\"")) + "]";
        var middleware = Middleware(
            async context =>
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                context.AddSurrogateKeys("items");
                var bytes = Encoding.UTF8.GetBytes(json);
                await context.Response.Body.WriteAsync(bytes.AsMemory(0, 600));
                await context.Response.Body.WriteAsync(bytes.AsMemory(600));
            },
            maxBufferedBytes: 1024);
        var context = Get("/v1/items", wire);

        await middleware.InvokeAsync(context);

        Assert.Equal(json, wire.Text);
        Assert.False(context.Response.Headers.ContainsKey(HeaderNames.ETag));
        Assert.Equal("private, no-cache", context.Response.Headers.CacheControl);
        Assert.Equal("items", context.Response.Headers["Surrogate-Key"]);
    }

    [Fact]
    public async Task A_get_outside_the_configured_paths_passes_untouched_unless_its_endpoint_names_a_policy()
    {
        static Task Handler(HttpContext context)
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{}");
        }

        var plain = Get("/health/live", new RecordingStream());
        var declared = Get("/health/live", new RecordingStream());
        declared.SetEndpoint(new Endpoint(Handler, new EndpointMetadataCollection(HttpCachePolicy.Public(TimeSpan.FromSeconds(10))), "declared"));

        await Middleware(Handler).InvokeAsync(plain);
        await Middleware(Handler).InvokeAsync(declared);

        Assert.False(plain.Response.Headers.ContainsKey(HeaderNames.ETag));
        Assert.False(plain.Response.Headers.ContainsKey(HeaderNames.CacheControl));
        Assert.Equal(EntityTags.Compute("{}"u8), declared.Response.Headers.ETag);
        Assert.Equal("public, max-age=10", declared.Response.Headers.CacheControl);
    }

    private static HttpCachingMiddleware Middleware(RequestDelegate next, int maxBufferedBytes = 1024 * 1024)
        => new(next, Options.Create(new HttpCachingOptions { MaxBufferedBytes = maxBufferedBytes }));

    private static DefaultHttpContext Get(string path, Stream wire)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = path;
        context.Response.Body = wire;
        return context;
    }

    /// <summary>The bytes that reached the wire so far.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public string Text => Encoding.UTF8.GetString(ToArray());
    }
}
