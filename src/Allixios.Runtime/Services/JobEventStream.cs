using Allixios.Orchestration;
using Allixios.Runtime.Errors;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Google.Protobuf;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>
/// <c>GET /v1/jobs/{job_id}/watch</c>: the WatchJob stream as Server-Sent Events, one <c>data:</c> line of Job JSON per
/// change, for browsers' <c>EventSource</c> and other clients that want <c>text/event-stream</c>. Transcoding serves
/// WatchJob itself as a plain stream of JSON objects, which EventSource cannot read.
/// </summary>
internal static class JobEventStream
{
    public const string Route = "/v1/jobs/{jobId}/watch";

    // Default values written too, so an event carries the same fields as the transcoded answers.
    private static readonly JsonFormatter SseJson = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static async Task HandleAsync(HttpContext http, string jobId, JobClient jobs, IJobResultStore results)
    {
        IAsyncEnumerator<Orchestration.Job> changes;
        try
        {
            await ApiKeyInterceptor.EnsureAuthenticatedAsync(http);
            var caller = Caller.From(http);
            caller.Require(ApiScopes.JobsRead);
            changes = jobs.WatchAsync(caller.TenantId, JobIds.Parse(jobId), JobsService.WatchPollInterval, http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);

            // The first read happens before the stream starts, so that a missing job is still a problem+json 404.
            await changes.MoveNextAsync();
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

        await using (changes)
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            try
            {
                do
                {
                    var job = await JobsService.ToContractWithResultAsync(changes.Current, results, http.RequestAborted);
                    await http.Response.WriteAsync($"data: {SseJson.Format(job)}\n\n", http.RequestAborted);
                    await http.Response.Body.FlushAsync(http.RequestAborted);
                }
                while (await changes.MoveNextAsync());
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; there is no one to tell.
            }
            catch (AllixiosException)
            {
                // The job was deleted while watched (retention) after the stream began, when a status can no longer be
                // sent: the stream just ends, and a GET of the job says why.
            }
        }
    }
}
