using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Allixios.Benchmarks.Cache;
using Allixios.Benchmarks.Orchestration;

namespace Allixios.Benchmarks.AiRouting;

/// <summary>
/// <c>ai-overhead</c>, second part: the latency the runtime adds to a chat completion. Three paths end at the same
/// <see cref="UpstreamStub"/>: the client calling it directly, through a <see cref="BareHop"/> (the floor), and through
/// the real runtime process (<c>POST /v1/ai:complete</c> with a tenant's API key; the runtime is configured with one
/// OpenAI-compatible provider pointing at the stub, and authenticates, routes, reserves and settles the tenant's budget
/// and writes the usage ledger on every call). The hop and the runtime each run in a process of their own. A path's
/// added latency at a percentile is its latency there minus the direct call's. Sequentially the three paths take turns
/// request by request, so drift in the machine's load falls on all of them alike; at 50 concurrent requests they take
/// turns block by block. The CPU time the hop's and the runtime's processes spend per request is printed as well: on a
/// loaded machine latency percentiles swing, CPU time per request much less.
/// </summary>
internal static class AiAddedLatencyScenario
{
    private const int Concurrency = 50;
    private const int ConcurrentBlocks = 4;
    private const string Prompt = "Write a 150-word introduction for an article about walking the Portuguese coastal route from Porto to Vigo: the landscape, the towns on the way, the food, and how long it takes. Keep it warm and practical.";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private static readonly byte[] OpenAiRequest = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        model = "gpt-4o-mini",
        messages = new[] { new { role = "system", content = "You are an editor for a travel magazine." }, new { role = "user", content = Prompt } },
        max_tokens = 400,
    }));

    private static readonly byte[] RuntimeRequest = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        model = "gpt-4o-mini",
        messages = new[] { new { role = "system", content = "You are an editor for a travel magazine." }, new { role = "user", content = Prompt } },
        maxOutputTokens = 400,
    }));

    /// <param name="runtimeDll">The runtime to start.</param>
    /// <param name="postgres">A superuser connection string to run the runtime on a fresh PostgreSQL database (keys, budgets and ledger there), or <see langword="null"/> for the embedded in-memory mode.</param>
    /// <param name="sequential">Requests per path in the sequential run; the concurrent run sends four times as many.</param>
    public static async Task<IReadOnlyList<Figure>> RunAsync(string runtimeDll, string? postgres, int sequential)
    {
        await using var stub = await UpstreamStub.StartAsync();
        await using var hop = await BareHop.StartAsync(stub.Address);
        await using var database = postgres is null ? null : await BenchmarkDatabase.CreateAsync(postgres);
        var environment = new Dictionary<string, string>
        {
            ["Allixios__AiRouting__Providers__stub__Kind"] = "OpenAi",
            ["Allixios__AiRouting__Providers__stub__BaseAddress"] = stub.Address + "v1/",
            ["Allixios__AiRouting__Providers__stub__ApiKey"] = "sk-bench",
            ["Allixios__AiRouting__Deployments__0__Id"] = "gpt-4o-mini@stub",
            ["Allixios__AiRouting__Deployments__0__Provider"] = "stub",
            ["Allixios__AiRouting__Deployments__0__Model"] = "gpt-4o-mini",
        };
        if (database is not null)
        {
            environment["ALLIXIOS__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString;
        }

        await using var runtime = await RuntimeNode.StartAsync(runtimeDll, environment);
        var key = await NewTenantKeyAsync(runtime);
        using var direct = Client(stub.Address, null);
        using var viaHop = Client(hop.Address, null);
        using var viaRuntime = Client(new Uri($"{runtime.Http.BaseAddress}"), key);
        Path[] paths =
        [
            new("direct", direct, "v1/chat/completions", OpenAiRequest, () => TimeSpan.Zero),
            new("bare-hop", viaHop, "v1/chat/completions", OpenAiRequest, () => hop.ProcessorTime),
            new("runtime", viaRuntime, "v1/ai:complete", RuntimeRequest, () => runtime.ProcessorTime),
        ];

        // Warm-up: JIT, connection pools, the runtime's caches and tiered compilation.
        for (var i = 0; i < Math.Max(2_000, sequential / 2); i++)
        {
            foreach (var path in paths)
            {
                await path.SendAsync();
            }
        }

        await Concurrently(paths, Concurrency * 40, 1);
        await WaitForServersToSettleAsync(paths);

        var load = Load();
        var cpuBefore = paths.Select(p => p.ProcessorTime()).ToArray();
        var serial = paths.Select(_ => new List<double>(sequential)).ToArray();
        for (var i = 0; i < sequential; i++)
        {
            // A different order each round, so no path always follows another.
            for (var j = 0; j < paths.Length; j++)
            {
                var p = (i + j) % paths.Length;
                serial[p].Add(await paths[p].SendAsync());
            }
        }

        // Each server process works only for its own path, so its CPU time over a phase divided by the phase's requests
        // is what one request costs it, a figure the machine's load hardly moves (unlike latency). Sequentially it
        // includes the thread pool's spinning while idle between requests; at 50 concurrent, on two busy cores, the
        // added latency follows it: the ratio of two paths' added latency there is close to the ratio of their CPU.
        var serialCpu = paths.Select((p, i) => (p.ProcessorTime() - cpuBefore[i]).TotalMicroseconds / serial[i].Count).ToArray();
        var concurrent = await Concurrently(paths, sequential * 4, ConcurrentBlocks);
        var loadAfter = Load();

        foreach (var (name, samples) in new[] { ("sequential", serial), ("concurrent50", concurrent.Samples) })
        {
            foreach (var list in samples)
            {
                list.Sort();
            }

            Console.Error.WriteLine($"ai-overhead {name}: " + string.Join("; ", paths.Select((p, i) => $"{p.Name} p50 {Percentile(samples[i], 0.5):0.000} ms p99 {Percentile(samples[i], 0.99):0.000} ms ({samples[i].Count})")));
        }

        Console.Error.WriteLine($"ai-overhead concurrent50 throughput: " + string.Join("; ", paths.Select((p, i) => $"{p.Name} {concurrent.PerSecond[i]:0} req/s")));
        Console.Error.WriteLine($"ai-overhead CPU per request: sequential bare-hop {serialCpu[1]:0} us, runtime {serialCpu[2]:0} us; concurrent50 bare-hop {concurrent.CpuPerRequest[1]:0} us, runtime {concurrent.CpuPerRequest[2]:0} us");
        Console.Error.WriteLine($"ai-overhead: runtime on {(postgres is null ? "the embedded in-memory stores" : "PostgreSQL")}; load average {load} before, {loadAfter} after");

        var figures = new List<Figure>();
        var store = postgres is null ? "" : ".postgres";
        foreach (var (name, samples) in new[] { ("sequential", serial), ("concurrent50", concurrent.Samples) })
        {
            foreach (var (label, fraction) in new[] { ("p50", 0.5), ("p99", 0.99) })
            {
                var floor = Percentile(samples[0], fraction);
                var hopAdded = Math.Round(Percentile(samples[1], fraction) - floor, 3);
                var runtimeAdded = Math.Round(Percentile(samples[2], fraction) - floor, 3);
                figures.Add(Figure.Compared($"ai.runtime.added{store}.{name}.{label}", runtimeAdded, "ms", $"bare-hop.added.{name}.{label}", hopAdded));
            }
        }

        figures.Add(Figure.Compared($"ai.runtime{store}.sequential.cpu_per_request", Math.Round(serialCpu[2], 1), "us", "bare-hop.sequential.cpu_per_request", Math.Round(serialCpu[1], 1)));
        figures.Add(Figure.Compared($"ai.runtime{store}.concurrent50.cpu_per_request", Math.Round(concurrent.CpuPerRequest[2], 1), "us", "bare-hop.concurrent50.cpu_per_request", Math.Round(concurrent.CpuPerRequest[1], 1)));
        return figures;
    }

    // After the warm-up the servers' tiered compilation still recompiles hot methods in the background for a while (under
    // load, 40% of the runtime's CPU samples 16 to 26 s after start): measuring then counts that work against requests a
    // long-running server does not pay for. So the measurement waits until neither server process uses CPU (less than
    // 2% of a core over each of four quarter seconds in a row), or 30 s at most.
    private static async Task WaitForServersToSettleAsync(Path[] paths)
    {
        var quiet = 0;
        var before = paths.Select(p => p.ProcessorTime()).ToArray();
        for (var waited = 0; waited < 30_000 && quiet < 4; waited += 250)
        {
            await Task.Delay(250);
            var now = paths.Select(p => p.ProcessorTime()).ToArray();
            var busiest = now.Select((t, i) => (t - before[i]).TotalMilliseconds).Max();
            quiet = busiest < 5 ? quiet + 1 : 0;
            before = now;
        }

        Console.Error.WriteLine(quiet >= 4 ? "ai-overhead: servers idle after the warm-up" : "ai-overhead: servers still busy 30 s after the warm-up; measuring anyway");
    }

    private static async Task<(List<double>[] Samples, double[] PerSecond, double[] CpuPerRequest)> Concurrently(Path[] paths, int requests, int blocks)
    {
        var samples = paths.Select(_ => new List<double>(requests)).ToArray();
        var elapsed = new double[paths.Length];
        var cpu = new double[paths.Length];
        for (var block = 0; block < blocks; block++)
        {
            for (var p = 0; p < paths.Length; p++)
            {
                var path = paths[(p + block) % paths.Length];
                var index = (p + block) % paths.Length;
                var perBlock = requests / blocks;
                var remaining = perBlock;
                var cpuBefore = path.ProcessorTime();
                var clock = Stopwatch.StartNew();
                var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
                {
                    var mine = new List<double>(perBlock / Concurrency + 1);
                    while (Interlocked.Decrement(ref remaining) >= 0)
                    {
                        mine.Add(await path.SendAsync());
                    }

                    return mine;
                })).ToArray();
                foreach (var mine in await Task.WhenAll(workers))
                {
                    samples[index].AddRange(mine);
                }

                elapsed[index] += clock.Elapsed.TotalSeconds;
                cpu[index] += (path.ProcessorTime() - cpuBefore).TotalMicroseconds;
            }
        }

        return (samples, samples.Select((s, i) => s.Count / elapsed[i]).ToArray(), cpu.Select((c, i) => c / samples[i].Count).ToArray());
    }

    private static async Task<string> NewTenantKeyAsync(RuntimeNode runtime)
    {
        var tenant = "bench-" + Guid.NewGuid().ToString("N")[..8];
        await PostAsync(runtime.Http, "/v1/tenants", $$"""{"tenantId":"{{tenant}}"}""");
        var issued = await PostAsync(runtime.Http, $"/v1/tenants/{tenant}/api-keys", """{"name":"ai-overhead","scopes":["ai:write","budgets:write"]}""");
        var secret = issued.GetProperty("secret").GetString()!;
        // A budget the run never exhausts: its reservation and settlement are on every call's path, as in production.
        using var client = Client(runtime.Http.BaseAddress!, secret);
        await PostAsync(client, "/v1/budgets", """{"period":"day","currency":"USD","limit":"1000000","name":"bench"}""");

        return secret;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static HttpClient Client(Uri address, string? key)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = Concurrency * 2 })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static string Load()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static double Percentile(List<double> sorted, double fraction)
        => sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed record Path(string Name, HttpClient Client, string Route, byte[] Body, Func<TimeSpan> ProcessorTime)
    {
        /// <summary>One request; its latency in ms, from sending to the whole answer read.</summary>
        public async Task<double> SendAsync()
        {
            var started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new ByteArrayContent(Body) { Headers = { ContentType = Json } } };
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }
}
