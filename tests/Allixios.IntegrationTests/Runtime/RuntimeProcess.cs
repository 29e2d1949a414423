using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>
/// The runtime started as a real process on loopback (<c>dotnet Allixios.Runtime.dll</c>), with an HTTP/JSON port
/// and a gRPC port of its own, configured by environment variables as an operator would. Disposing stops it.
/// </summary>
public sealed class RuntimeProcess : IAsyncDisposable
{
    public const string BootstrapKey = "itest-bootstrap-admin-key-0123456789";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();

    private RuntimeProcess(Process process, int httpPort, int grpcPort)
    {
        _process = process;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        Grpc = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    public HttpClient Http { get; }

    public GrpcChannel Grpc { get; }

    public string Output
    {
        get
        {
            lock (_outputGate)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the runtime and waits until <c>/health/live</c> answers (or the process dies).</summary>
    public static async Task<RuntimeProcess> StartAsync(IReadOnlyDictionary<string, string?>? environment = null, bool waitUntilReady = true)
    {
        var httpPort = FreePort();
        var grpcPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(RuntimeLocation.Dll)!,
        };
        start.ArgumentList.Add(RuntimeLocation.Dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Kestrel__Endpoints__Http__Protocols"] = "Http1";
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{grpcPort}";
        start.Environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";
        start.Environment["ALLIXIOS__BOOTSTRAPADMINKEY"] = BootstrapKey;
        start.Environment["Allixios__Runtime__MaxRequestBodyBytes"] = "65536";
        // Below the request limit, so the cache's own value limit can be reached through the API.
        start.Environment["Allixios__Cache__MaxValueBytes"] = "16384";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            // A null value removes the variable, e.g. the bootstrap key, to see the runtime generate one.
            start.Environment[name] = value;
            if (value is null)
            {
                start.Environment.Remove(name);
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var runtime = new RuntimeProcess(process, httpPort, grpcPort);
        process.OutputDataReceived += (_, e) => runtime.Append(e.Data);
        process.ErrorDataReceived += (_, e) => runtime.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitUntilReady)
        {
            await runtime.WaitUntilAnswersAsync("/health/live", TimeSpan.FromSeconds(60));
        }

        return runtime;
    }

    public async Task WaitUntilAnswersAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The runtime exited with code {_process.ExitCode} before {path} answered. Output:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{path} did not answer 200 within {timeout}. Output:\n{Output}");
    }

    /// <summary>Runs a maintenance verb of the runtime (e.g. <c>migrate status</c>) to its end; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunVerbAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RuntimeLocation.Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Sends a request with an API key (the bootstrap admin key unless another is given) and a JSON body, if any.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string key = BootstrapKey)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return Http.SendAsync(request);
    }

    /// <summary>As <see cref="SendAsync"/>, asserting a 200 answer (the body is in the failure message) and returning its JSON.</summary>
    public async Task<JsonElement> SendOkAsync(HttpMethod method, string path, string? json = null, string key = BootstrapKey)
    {
        using var response = await SendAsync(method, path, json, key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Call options carrying the API key the way a gRPC client sends it.</summary>
    public static CallOptions WithKey(string key) => new(new Metadata { { "authorization", "Bearer " + key } });

    public async ValueTask DisposeAsync()
    {
        Grpc.Dispose();
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputGate)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
