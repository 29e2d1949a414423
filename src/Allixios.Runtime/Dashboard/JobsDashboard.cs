using Allixios.Orchestration;
using Allixios.Runtime.Errors;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Grpc.Core;

namespace Allixios.Runtime.Dashboard;

/// <summary>
/// The jobs dashboard: <c>GET /dashboard</c> is a self-contained page (no data in it, no external scripts or styles), and
/// <c>GET /v1/dashboard/jobs</c> the JSON it polls every few seconds, authenticated like the API (an
/// <c>X-Api-Key</c> or <c>Authorization: Bearer</c> header) with a key holding <c>jobs:read</c>: an admin key sees every
/// tenant, another key its own tenant only. The page takes the key from a form, or from the URL fragment
/// (<c>/dashboard#key=…</c>, which browsers never send to the server), keeps it in the tab's session storage and sends it
/// as <c>X-Api-Key</c>.
/// </summary>
internal static class JobsDashboard
{
    public const string PageRoute = "/dashboard";
    public const string DataRoute = "/v1/dashboard/jobs";

    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(JobsDashboard).Assembly.GetManifestResourceStream("Allixios.Runtime.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard page is missing from the runtime's resources.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static async Task ServePageAsync(HttpContext http)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        await http.Response.Body.WriteAsync(Page.Value, http.RequestAborted);
    }

    public static async Task ServeDataAsync(HttpContext http, JobQueueMonitor monitor)
    {
        Caller caller;
        try
        {
            await ApiKeyInterceptor.EnsureAuthenticatedAsync(http);
            caller = Caller.From(http);
            caller.Require(ApiScopes.JobsRead);
        }
        catch (AllixiosException e)
        {
            await RpcStatusResponse.WriteAsync(http, ErrorMapping.ToRpcException(e, http).Status);
            return;
        }
        catch (RpcException e)
        {
            await RpcStatusResponse.WriteAsync(http, e.Status);
            return;
        }

        var overview = await monitor.GetOverviewAsync(http.RequestAborted);
        var tenants = caller.IsAdmin ? overview.Tenants : overview.Tenants.Where(t => t.TenantId == caller.TenantId).ToList();
        var failures = caller.IsAdmin ? overview.RecentFailures : overview.RecentFailures.Where(f => f.TenantId == caller.TenantId).ToList();
        var finished = tenants.Sum(t => t.FinishedRecently);
        var pending = tenants.Sum(Pending);
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var state in Enum.GetValues<JobState>())
        {
            totals[JobStates.ToName(state)] = tenants.Sum(t => t.Depth.GetValueOrDefault(state));
        }

        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsJsonAsync(
            new
            {
                takenAt = overview.TakenAt,
                windowSeconds = (long)overview.Window.TotalSeconds,
                depth = totals,
                finishedRecently = finished,
                throughputPerMinute = Math.Round(finished / overview.Window.TotalMinutes, 2),
                tenants = tenants.Select(t => new
                {
                    tenantId = t.TenantId,
                    depth = t.Depth.ToDictionary(d => JobStates.ToName(d.Key), d => d.Value),
                    succeededRecently = t.SucceededRecently,
                    failedRecently = t.FailedRecently,
                    cancelledRecently = t.CancelledRecently,
                    finishedRecently = t.FinishedRecently,
                    share = finished == 0 ? 0 : Math.Round((double)t.FinishedRecently / finished, 4),
                    backlogShare = pending == 0 ? 0 : Math.Round((double)Pending(t) / pending, 4),
                }),
                recentFailures = failures.Select(f => new
                {
                    jobId = f.JobId,
                    tenantId = f.TenantId,
                    type = f.Type,
                    state = JobStates.ToName(f.State),
                    attempt = f.Attempt,
                    error = f.Error,
                    at = f.At,
                }),
            },
            http.RequestAborted);
    }

    // The work not yet done: what the tenant's share of the queue is made of.
    private static long Pending(TenantJobOverview tenant) =>
        tenant.Depth.GetValueOrDefault(JobState.Scheduled)
        + tenant.Depth.GetValueOrDefault(JobState.Available)
        + tenant.Depth.GetValueOrDefault(JobState.Running)
        + tenant.Depth.GetValueOrDefault(JobState.Retrying);
}
