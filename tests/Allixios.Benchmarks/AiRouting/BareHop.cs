using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;

namespace Allixios.Benchmarks.AiRouting;

/// <summary>
/// The floor under the runtime's added latency: a minimal Kestrel endpoint that passes each chat-completions request on
/// to the upstream with a pooled <see cref="HttpClient"/> and copies the answer back, with nothing else on the path (no
/// authentication, routing decision, budget or ledger). Any gateway on .NET pays at least this much. It runs in its own
/// process (this program with the hidden <c>bare-hop</c> verb), as the runtime does, so that both compete for the
/// machine's cores the same way and their CPU time can be read per request.
/// </summary>
internal sealed class BareHop : IAsyncDisposable
{
    private const string Verb = "bare-hop";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Process _process;

    private BareHop(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The CPU time the hop's process has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Whether <paramref name="args"/> asks this program to be the hop's process.</summary>
    public static bool IsVerb(string[] args) => args is [Verb, _];

    /// <summary>Starts the hop's process in front of <paramref name="upstream"/>.</summary>
    public static async Task<BareHop> StartAsync(Uri upstream)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true };
        start.ArgumentList.Add(typeof(BareHop).Assembly.Location);
        start.ArgumentList.Add(Verb);
        start.ArgumentList.Add(upstream.ToString());
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the bare hop's process.");
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line is null || !Uri.TryCreate(line, UriKind.Absolute, out var address))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The bare hop's process did not say where it listens (it said '{line}').");
        }

        return new BareHop(process, address);
    }

    /// <summary>The hop's process: serves until its standard input closes (the parent ends or disposes it).</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(args[1]),
        };
        await using var app = LoopbackServer.Create();
        app.MapPost("/v1/chat/completions", async context =>
        {
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            using var forward = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length) { Headers = { ContentType = Json } },
            };
            using var answer = await client.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)answer.StatusCode;
            context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
            context.Response.ContentLength = answer.Content.Headers.ContentLength;
            await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        var address = await LoopbackServer.StartAsync(app);
        await Console.Out.WriteLineAsync(address.ToString());
        await Console.Out.FlushAsync();
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!await WaitAsync(_process, TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static async Task<bool> WaitAsync(Process process, TimeSpan timeout)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
