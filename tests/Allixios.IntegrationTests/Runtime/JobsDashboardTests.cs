using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>
/// The runtime's jobs dashboard, opened in Debian's headless Chromium (installed by scripts/test-services.sh start;
/// the test fails, not skips, without it): it must render two tenants' live numbers, and its data endpoint must keep
/// tenants apart.
/// </summary>
public sealed class JobsDashboardTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private RuntimeProcess? _runtime;

    private RuntimeProcess Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public async Task InitializeAsync()
    {
        _runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Allixios__Orchestration__JobTypes__content.generate__Schema"] = """{"type":"object","required":["topic"]}""",
            ["Allixios__Orchestration__OverviewRefreshInterval"] = "00:00:01",
        });
    }

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_dashboard_rendered_in_headless_Chromium_shows_each_tenants_backlog_finished_work_and_share()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/test-services.sh start, which installs Debian's chromium.");
        var (first, firstKey) = await CreateTenantWithKeyAsync();
        var (second, secondKey) = await CreateTenantWithKeyAsync();
        var firstJobs = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            firstJobs.Add(await EnqueueAsync(firstKey, "a" + i));
        }

        await EnqueueAsync(secondKey, "b0");
        await EnqueueAsync(secondKey, "b1");
        await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/jobs/{firstJobs[0]}:cancel", "{}", firstKey);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past the overview's refresh interval

        var url = $"http://127.0.0.1:{Runtime.HttpPort}/dashboard#key={RuntimeProcess.BootstrapKey}";
        var dom = await RunChromiumAsync("--dump-dom", url);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        File.Delete(screenshot);
        await RunChromiumAsync($"--screenshot={screenshot}", url);

        // Both tenants' rows: waiting jobs, running, finished in the window (the cancelled one), share of finished work.
        Assert.Matches(TenantRow(first, waiting: 2, finished: 1, share: "100.0%"), dom);
        Assert.Matches(TenantRow(second, waiting: 2, finished: 0, share: "0.0%"), dom);
        Assert.Equal("4", StateTile(dom, "available"));
        Assert.Equal("1", StateTile(dom, "cancelled"));
        Assert.Equal("0", StateTile(dom, "running"));
        Assert.DoesNotContain("data-needs-key=\"\" hidden", dom, StringComparison.Ordinal);

        // The screenshot shows a page, not a blank canvas: many colours, none covering nearly all of it.
        var image = PngImage.Read(await File.ReadAllBytesAsync(screenshot));
        var colours = image.Pixels.GroupBy(p => p).Select(g => g.Count()).OrderDescending().ToList();
        output.WriteLine($"{screenshot}: {image.Width}x{image.Height}, {colours.Count} colours, the commonest on {100.0 * colours[0] / image.Pixels.Length:F1}% of pixels");
        Assert.Equal((1280, 1000), (image.Width, image.Height));
        Assert.True(colours.Count >= 20, $"Only {colours.Count} colours: the page looks blank.");
        Assert.True(colours[0] < image.Pixels.Length * 0.97, "One colour covers more than 97% of the screenshot: the page looks blank.");
    }

    [Fact]
    public async Task The_dashboard_data_shows_a_tenant_key_its_own_tenant_only_and_refuses_missing_or_unscoped_keys()
    {
        var (first, firstKey) = await CreateTenantWithKeyAsync();
        var (second, secondKey) = await CreateTenantWithKeyAsync();
        await EnqueueAsync(firstKey, "a");
        await EnqueueAsync(secondKey, "b");
        var (_, cacheOnlyKey) = await CreateTenantWithKeyAsync("cache:read");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var admin = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/dashboard/jobs");
        var own = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/dashboard/jobs", key: firstKey);
        using var anonymous = await Runtime.Http.GetAsync("/v1/dashboard/jobs");
        using var unscoped = await Runtime.SendAsync(HttpMethod.Get, "/v1/dashboard/jobs", key: cacheOnlyKey);
        using var page = await Runtime.Http.GetAsync("/dashboard");

        Assert.Superset(new HashSet<string> { first, second }, Tenants(admin).ToHashSet());
        Assert.Equal([first], Tenants(own));
        Assert.Equal(1, own.GetProperty("depth").GetProperty("available").GetInt64());
        Assert.Equal("missing_api_key", (await Problem.ReadAsync(anonymous, HttpStatusCode.Unauthorized)).Reason);
        Assert.Contains("jobs:read", (await Problem.ReadAsync(unscoped, HttpStatusCode.Forbidden)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("http", csp, StringComparison.Ordinal); // nothing loaded from elsewhere
    }

    private static IEnumerable<string> Tenants(JsonElement data) =>
        data.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("tenantId").GetString()!);

    private static Regex TenantRow(string tenant, int waiting, int finished, string share) => new(
        $"<tr data-tenant=\"{tenant}\"><td>{tenant}</td><td class=\"num\">{waiting}</td><td class=\"num\">0</td><td class=\"num\">{finished}</td><td>.*?{Regex.Escape(share)}</span></td>",
        RegexOptions.None,
        TimeSpan.FromSeconds(5));

    private static string StateTile(string dom, string state)
    {
        var match = Regex.Match(dom, $"data-state=\"{state}\"><div class=\"n\">(\\d+)</div>", RegexOptions.None, TimeSpan.FromSeconds(5));
        Assert.True(match.Success, $"No '{state}' tile in the rendered page.");
        return match.Groups[1].Value;
    }

    private static async Task<string> RunChromiumAsync(string action, string url)
    {
        var profile = Directory.CreateTempSubdirectory("allixios-chromium-");
        try
        {
            var start = new ProcessStartInfo(Chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
                $"--user-data-dir={profile.FullName}", "--window-size=1280,1000", "--virtual-time-budget=10000", action, url])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"chromium {action} exited with {process.ExitCode}: {await stderr}");
            return await stdout;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private async Task<(string Tenant, string Key)> CreateTenantWithKeyAsync(params string[] scopes)
    {
        var tenant = "d-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"Dashboard {{tenant}}"}""");
        var issued = await Runtime.SendOkAsync(
            HttpMethod.Post,
            $"/v1/tenants/{tenant}/api-keys",
            JsonSerializer.Serialize(new { name = "dashboard test", scopes = scopes.Length > 0 ? scopes : ["jobs:read", "jobs:write"] }));
        return (tenant, issued.GetProperty("secret").GetString()!);
    }

    private async Task<string> EnqueueAsync(string key, string topic)
    {
        var enqueued = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/jobs", JsonSerializer.Serialize(new { type = "content.generate", payload = new { topic } }), key);
        return enqueued.GetProperty("job").GetProperty("jobId").GetString()!;
    }
}
