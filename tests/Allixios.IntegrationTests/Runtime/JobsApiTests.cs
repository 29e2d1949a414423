using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Allixios.Runtime.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The Jobs API of a runtime whose job types are declared in configuration, over HTTP/JSON, SSE and gRPC.</summary>
public sealed class JobsApiTests(JobsRuntimeFixture fixture) : IClassFixture<JobsRuntimeFixture>
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task A_job_of_a_declared_type_is_enqueued_read_and_stays_available_because_no_handler_runs_in_the_runtime()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");

        var enqueued = await PostAsync("/v1/jobs", """{"type":"content.generate","payload":{"topic":"spring","words":300},"priority":7,"tags":["campaign:spring"],"idempotencyKey":"brief-1"}""", key);
        var id = enqueued.GetProperty("job").GetProperty("jobId").GetString()!;
        var again = await PostAsync("/v1/jobs", """{"type":"content.generate","payload":{"topic":"other"},"idempotencyKey":"brief-1"}""", key);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var read = await GetAsync($"/v1/jobs/{id}", key);

        Assert.True(enqueued.GetProperty("created").GetBoolean());
        Assert.False(again.GetProperty("created").GetBoolean());
        Assert.Equal(id, again.GetProperty("job").GetProperty("jobId").GetString());
        Assert.Equal("available", read.GetProperty("state").GetString());
        Assert.Equal(0, read.GetProperty("attempt").GetInt32());
        Assert.Equal(7, read.GetProperty("priority").GetInt32());
        Assert.Equal(300, read.GetProperty("payload").GetProperty("words").GetInt32());
        Assert.Equal(["campaign:spring"], read.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task A_type_declared_with_its_schema_in_a_file_validates_payloads_against_that_file()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:write");

        var ok = await PostAsync("/v1/jobs", """{"type":"image.render","payload":{"width":1024}}""", key);
        using var tooWide = await SendAsync(HttpMethod.Post, "/v1/jobs", """{"type":"image.render","payload":{"width":8000}}""", key);

        Assert.Equal("image.render", ok.GetProperty("job").GetProperty("type").GetString());
        var problem = await Problem.ReadAsync(tooWide, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_payload", problem.Reason);
        Assert.Contains("#/width: NumberTooBig", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"no.such.type","payload":{}}""", "unknown_job_type", "'no.such.type' is not registered (registered types: content.generate, image.render)")]
    [InlineData("""{"type":"content.generate","payload":{"topic":"","words":0}}""", "invalid_payload", "#/topic: StringTooShort; #/words: NumberTooSmall")]
    [InlineData("""{"type":"content.generate","payload":{"words":3}}""", "invalid_payload", "topic: PropertyRequired")]
    [InlineData("""{"type":"content.generate"}""", "invalid_payload", "is empty")]
    [InlineData("""{"type":"content.generate","payload":{"topic":"x"},"delay":"-30s"}""", "invalid_delay", "is negative")]
    [InlineData("""{"type":"content.generate","payload":{"topic":"x"},"priority":12}""", "invalid_priority", "use 0 (lowest) to 9 (highest)")]
    [InlineData("""{"type":"content.generate","payload":{"topic":"x"},"maxAttempts":0}""", "invalid_max_attempts", "use 1 to 100")]
    [InlineData("""{"type":"content.generate","payload":{"topic":"x"},"tags":[" "]}""", "invalid_tags", "none blank")]
    [InlineData("""{"type":"content.generate","payload":{"topic":"x"},"delay":"soon"}""", "invalid_field_type", "wrong type")]
    public async Task Bad_enqueue_requests_are_400_problem_json_that_say_what_to_fix_and_enqueue_nothing(string body, string reason, string hint)
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");

        using var response = await SendAsync(HttpMethod.Post, "/v1/jobs", body, key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(reason, problem.Reason);
        Assert.Contains(hint, problem.Detail, StringComparison.Ordinal);
        Assert.Empty((await GetAsync("/v1/jobs", key)).GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task A_batch_is_enqueued_in_order_and_a_batch_with_one_bad_job_enqueues_none_and_names_it()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");

        var batch = await PostAsync("/v1/jobs:batchEnqueue", """{"jobs":[{"type":"content.generate","payload":{"topic":"a"}},{"type":"image.render","payload":{"width":10}}]}""", key);
        using var bad = await SendAsync(HttpMethod.Post, "/v1/jobs:batchEnqueue", """{"jobs":[{"type":"content.generate","payload":{"topic":"b"}},{"type":"content.generate","payload":{"topic":""}}]}""", key);
        using var empty = await SendAsync(HttpMethod.Post, "/v1/jobs:batchEnqueue", """{"jobs":[]}""", key);

        Assert.Equal(["content.generate", "image.render"], batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("job").GetProperty("type").GetString()));
        var problem = await Problem.ReadAsync(bad, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_payload", problem.Reason);
        Assert.StartsWith("jobs[1]: ", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("invalid_batch_size", (await Problem.ReadAsync(empty, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal(2, (await GetAsync("/v1/jobs", key)).GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task A_workflow_step_waits_for_its_dependency_and_is_cancelled_with_a_reason_naming_it_when_that_is_cancelled()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");

        var workflow = await PostAsync(
            "/v1/jobs:enqueueWorkflow",
            """{"steps":[{"name":"publish","job":{"type":"image.render","payload":{"width":1}},"dependsOn":["draft"]},{"name":"draft","job":{"type":"content.generate","payload":{"topic":"a"}}}]}""",
            key);
        var steps = workflow.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("job"));
        await PostAsync($"/v1/jobs/{steps["draft"].GetProperty("jobId").GetString()}:cancel", """{"reason":"brief withdrawn"}""", key);
        var publish = await GetAsync($"/v1/jobs/{steps["publish"].GetProperty("jobId").GetString()}", key);

        Assert.Equal(["publish", "draft"], workflow.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("waiting", steps["publish"].GetProperty("state").GetString());
        Assert.Equal("available", steps["draft"].GetProperty("state").GetString());
        Assert.Equal("cancelled", publish.GetProperty("state").GetString());
        Assert.Contains(steps["draft"].GetProperty("jobId").GetString()!, publish.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"steps":[]}""", "1 to 100")]
    [InlineData("""{"steps":[{"name":"a","job":{"type":"content.generate","payload":{"topic":"a"}},"dependsOn":["b"]},{"name":"b","job":{"type":"content.generate","payload":{"topic":"b"}},"dependsOn":["a"]}]}""", "cycle")]
    [InlineData("""{"steps":[{"name":"a","job":{"type":"content.generate","payload":{"topic":"a"}},"dependsOn":["nope"]}]}""", "not a step")]
    [InlineData("""{"steps":[{"name":"a"}]}""", "has no job")]
    [InlineData("""{"steps":[{"name":"a","job":{"type":"content.generate","payload":{"topic":"a"}}},{"name":"a","job":{"type":"content.generate","payload":{"topic":"b"}}}]}""", "unique")]
    [InlineData("""{"steps":[{"name":"a","job":{"type":"content.generate","payload":{"topic":"a"},"idempotencyKey":"k"}}]}""", "idempotency key")]
    public async Task A_bad_workflow_is_400_problem_json_that_says_what_to_fix_and_enqueues_no_step(string body, string hint)
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");

        using var response = await SendAsync(HttpMethod.Post, "/v1/jobs:enqueueWorkflow", body, key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_workflow", problem.Reason);
        Assert.Contains(hint, problem.Detail, StringComparison.Ordinal);
        Assert.Empty((await GetAsync("/v1/jobs", key)).GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task A_workflow_step_with_a_schema_invalid_payload_names_the_step_and_enqueues_nothing()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");

        using var response = await SendAsync(
            HttpMethod.Post,
            "/v1/jobs:enqueueWorkflow",
            """{"steps":[{"name":"draft","job":{"type":"content.generate","payload":{"topic":"a"}}},{"name":"render","job":{"type":"image.render","payload":{"width":"wide"}},"dependsOn":["draft"]}]}""",
            key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_payload", problem.Reason);
        Assert.StartsWith("Step 'render': ", problem.Detail, StringComparison.Ordinal);
        Assert.Empty((await GetAsync("/v1/jobs", key)).GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task A_batch_returns_the_job_a_taken_idempotency_key_names_and_creates_the_rest_once()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var first = await PostAsync("/v1/jobs", """{"type":"content.generate","payload":{"topic":"a"},"idempotencyKey":"brief-1"}""", key);

        var batch = await PostAsync(
            "/v1/jobs:batchEnqueue",
            """{"jobs":[{"type":"content.generate","payload":{"topic":"b"},"idempotencyKey":"brief-1"},{"type":"content.generate","payload":{"topic":"c"},"idempotencyKey":"brief-2"},{"type":"content.generate","payload":{"topic":"d"},"idempotencyKey":"brief-2"}]}""",
            key);

        var results = batch.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([false, true, false], results.Select(r => r.TryGetProperty("created", out var c) && c.GetBoolean()));
        Assert.Equal(first.GetProperty("job").GetProperty("jobId").GetString(), results[0].GetProperty("job").GetProperty("jobId").GetString());
        Assert.Equal(results[1].GetProperty("job").GetProperty("jobId").GetString(), results[2].GetProperty("job").GetProperty("jobId").GetString());
        Assert.Equal(2, (await GetAsync("/v1/jobs", key)).GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task Jobs_are_listed_newest_first_by_state_type_and_tag_a_page_at_a_time_and_counted_in_the_stats()
    {
        var (tenant, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var tag = i % 2 == 0 ? "even" : "odd";
            var job = await PostAsync("/v1/jobs", $$"""{"type":"content.generate","payload":{"topic":"t{{i}}"},"tags":["{{tag}}"]}""", key);
            ids.Add(job.GetProperty("job").GetProperty("jobId").GetString()!);
        }

        await PostAsync("/v1/jobs", """{"type":"image.render","payload":{"width":1},"delay":"3600s"}""", key);
        await PostAsync($"/v1/jobs/{ids[0]}:cancel", """{"reason":"not needed"}""", key);

        var paged = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await GetAsync($"/v1/jobs?type=content.generate&pageSize=2&pageToken={token}", key);
            paged.AddRange(page.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("jobId").GetString()!));
            token = page.GetProperty("nextPageToken").GetString();
        }
        while (!string.IsNullOrEmpty(token));

        var even = await GetAsync("/v1/jobs?tag=even&state=available", key);
        var scheduled = await GetAsync("/v1/jobs?state=scheduled", key);
        var stats = await GetAsync("/v1/jobs:stats", key);

        Assert.Equal(ids.AsEnumerable().Reverse(), paged);
        Assert.Equal([ids[4], ids[2]], even.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("jobId").GetString()));
        Assert.Equal("image.render", scheduled.GetProperty("jobs")[0].GetProperty("type").GetString());
        Assert.Equal(tenant, stats.GetProperty("tenantId").GetString());
        Assert.Equal(4, stats.GetProperty("byState").GetProperty("available").GetInt64());
        Assert.Equal(1, stats.GetProperty("byState").GetProperty("cancelled").GetInt64());
        Assert.Equal(1, stats.GetProperty("byState").GetProperty("scheduled").GetInt64());
        Assert.Equal(0, stats.GetProperty("byState").GetProperty("running").GetInt64());
        var byType = stats.GetProperty("byType").EnumerateArray().ToDictionary(t => t.GetProperty("type").GetString()!, t => t.GetProperty("byState"));
        Assert.Equal(4, byType["content.generate"].GetProperty("available").GetInt64());
        Assert.Equal(1, byType["image.render"].GetProperty("scheduled").GetInt64());
    }

    [Theory]
    [InlineData("/v1/jobs?state=finished", "invalid_state_filter")]
    [InlineData("/v1/jobs?pageSize=501", "invalid_page_size")]
    [InlineData("/v1/jobs?pageToken=%25%25", "invalid_page_token")]
    [InlineData("/v1/jobs/not-a-uuid", "invalid_job_id")]
    [InlineData("/v1/jobs/not-a-uuid/events", "invalid_job_id")]
    public async Task Bad_query_and_path_values_are_400_problem_json(string path, string reason)
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read");

        using var response = await SendAsync(HttpMethod.Get, path, key: key);

        Assert.Equal(reason, (await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Reason);
    }

    [Fact]
    public async Task A_tenant_sees_only_its_own_jobs_an_admin_may_look_at_any_tenant_and_scopes_are_enforced()
    {
        var (tenant, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var (_, otherKey) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var (_, readOnly) = await CreateTenantWithKeyAsync("jobs:read");
        var id = (await PostAsync("/v1/jobs", """{"type":"content.generate","payload":{"topic":"mine"}}""", key)).GetProperty("job").GetProperty("jobId").GetString();

        using var otherGet = await SendAsync(HttpMethod.Get, $"/v1/jobs/{id}", key: otherKey);
        using var otherCancel = await SendAsync(HttpMethod.Post, $"/v1/jobs/{id}:cancel", "{}", otherKey);
        using var otherList = await SendAsync(HttpMethod.Get, $"/v1/jobs?tenantId={tenant}", key: otherKey);
        using var readOnlyEnqueue = await SendAsync(HttpMethod.Post, "/v1/jobs", """{"type":"content.generate","payload":{"topic":"x"}}""", readOnly);
        var otherOwn = await GetAsync("/v1/jobs", otherKey);
        var adminList = await GetAsync($"/v1/jobs?tenantId={tenant}", RuntimeProcess.BootstrapKey);
        var adminStats = await GetAsync($"/v1/jobs:stats?tenantId={tenant}", RuntimeProcess.BootstrapKey);

        Assert.Equal("job_not_found", (await Problem.ReadAsync(otherGet, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("job_not_found", (await Problem.ReadAsync(otherCancel, HttpStatusCode.NotFound)).Reason);
        Assert.Contains($"cannot act on tenant '{tenant}'", (await Problem.ReadAsync(otherList, HttpStatusCode.Forbidden)).Detail, StringComparison.Ordinal);
        Assert.Contains("'jobs:write'", (await Problem.ReadAsync(readOnlyEnqueue, HttpStatusCode.Forbidden)).Detail, StringComparison.Ordinal);
        Assert.Empty(otherOwn.GetProperty("jobs").EnumerateArray());
        Assert.Equal(id, adminList.GetProperty("jobs")[0].GetProperty("jobId").GetString());
        Assert.Equal(1, adminStats.GetProperty("byState").GetProperty("available").GetInt64());
        Assert.Equal("available", (await GetAsync($"/v1/jobs/{id}", key)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Cancelling_records_the_reason_in_the_history_and_cancelling_again_or_retrying_a_live_job_is_refused_and_changes_nothing()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var id = (await PostAsync("/v1/jobs", """{"type":"content.generate","payload":{"topic":"x"}}""", key)).GetProperty("job").GetProperty("jobId").GetString();
        using var retryLive = await SendAsync(HttpMethod.Post, $"/v1/jobs/{id}:retry", "{}", key);

        var cancelled = await PostAsync($"/v1/jobs/{id}:cancel", """{"reason":"brief withdrawn"}""", key);
        using var cancelAgain = await SendAsync(HttpMethod.Post, $"/v1/jobs/{id}:cancel", "{}", key);
        using var missing = await SendAsync(HttpMethod.Post, $"/v1/jobs/{Guid.CreateVersion7()}:cancel", "{}", key);
        var history = await GetAsync($"/v1/jobs/{id}/events", key);

        Assert.Equal("job_not_dead_lettered", (await Problem.ReadAsync(retryLive, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.Equal("brief withdrawn", cancelled.GetProperty("lastError").GetString());
        var problem = await Problem.ReadAsync(cancelAgain, HttpStatusCode.BadRequest);
        Assert.Equal("illegal_job_transition", problem.Reason);
        Assert.Contains("is cancelled and cannot become cancelled", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("job_not_found", (await Problem.ReadAsync(missing, HttpStatusCode.NotFound)).Reason);
        var events = history.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal([("", "available"), ("available", "cancelled")], events.Select(e => (e.GetProperty("fromState").GetString(), e.GetProperty("toState").GetString())));
        Assert.Equal("brief withdrawn", events[1].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Over_grpc_jobs_are_enqueued_read_and_refused_with_the_status_and_the_stable_reason()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var jobs = new Jobs.JobsClient(Runtime.Grpc);
        var options = RuntimeProcess.WithKey(key);
        var payload = Value.ForStruct(new Struct { Fields = { ["topic"] = Value.ForString("grpc") } });

        var enqueued = await jobs.EnqueueJobAsync(new EnqueueJobRequest { Type = "content.generate", Payload = payload, Delay = Duration.FromTimeSpan(TimeSpan.FromMinutes(5)) }, options);
        var read = await jobs.GetJobAsync(new GetJobRequest { JobId = enqueued.Job.JobId }, options);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await jobs.EnqueueJobAsync(new EnqueueJobRequest { Type = "nope", Payload = payload }, options));
        var negative = await Assert.ThrowsAsync<RpcException>(async () => await jobs.EnqueueJobAsync(
            new EnqueueJobRequest { Type = "content.generate", Payload = payload, Delay = Duration.FromTimeSpan(TimeSpan.FromSeconds(-1)) }, options));
        await jobs.CancelJobAsync(new CancelJobRequest { JobId = read.JobId }, options);
        var finished = await Assert.ThrowsAsync<RpcException>(async () => await jobs.CancelJobAsync(new CancelJobRequest { JobId = read.JobId }, options));
        var stats = await jobs.GetQueueStatsAsync(new GetQueueStatsRequest(), options);

        Assert.Equal("scheduled", read.State);
        Assert.Equal("grpc", read.Payload.StructValue.Fields["topic"].StringValue);
        Assert.Equal((StatusCode.InvalidArgument, "unknown_job_type"), (unknown.StatusCode, unknown.Trailers.GetValue("allixios-error-reason")));
        Assert.Equal((StatusCode.InvalidArgument, "invalid_delay"), (negative.StatusCode, negative.Trailers.GetValue("allixios-error-reason")));
        Assert.Equal((StatusCode.FailedPrecondition, "illegal_job_transition"), (finished.StatusCode, finished.Trailers.GetValue("allixios-error-reason")));
        Assert.Equal(1, stats.ByState["cancelled"]);
        Assert.Equal(0, stats.ByState["scheduled"]);
    }

    [Fact]
    public async Task Watching_over_grpc_streams_the_job_then_its_cancellation_and_ends()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var jobs = new Jobs.JobsClient(Runtime.Grpc);
        var id = (await PostAsync("/v1/jobs", """{"type":"content.generate","payload":{"topic":"watched"}}""", key)).GetProperty("job").GetProperty("jobId").GetString();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var watch = jobs.WatchJob(new WatchJobRequest { JobId = id }, RuntimeProcess.WithKey(key).WithCancellationToken(timeout.Token));
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        var first = watch.ResponseStream.Current;
        await PostAsync($"/v1/jobs/{id}:cancel", """{"reason":"seen live"}""", key);
        var rest = new List<Job>();
        while (await watch.ResponseStream.MoveNext(timeout.Token))
        {
            rest.Add(watch.ResponseStream.Current);
        }

        Assert.Equal("available", first.State);
        Assert.Equal("cancelled", Assert.Single(rest).State);
        Assert.Equal("seen live", rest[0].LastError);
    }

    [Fact]
    public async Task Watching_over_server_sent_events_streams_data_lines_until_the_job_is_cancelled()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var id = (await PostAsync("/v1/jobs", """{"type":"content.generate","payload":{"topic":"sse"}}""", key)).GetProperty("job").GetProperty("jobId").GetString();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/watch") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };

        using var response = await Runtime.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var first = await ReadEventAsync(reader, timeout.Token);
        await PostAsync($"/v1/jobs/{id}:cancel", "{}", key);
        var second = await ReadEventAsync(reader, timeout.Token);
        var end = await reader.ReadToEndAsync(timeout.Token);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("available", first!.Value.GetProperty("state").GetString());
        Assert.Equal("cancelled", second!.Value.GetProperty("state").GetString());
        Assert.Equal(string.Empty, end.Trim());
    }

    [Fact]
    public async Task Watching_over_http_json_streams_one_json_object_per_change_and_a_missing_job_is_404_problem_json()
    {
        var (_, key) = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var id = (await PostAsync("/v1/jobs", """{"type":"content.generate","payload":{"topic":"ndjson"}}""", key)).GetProperty("job").GetProperty("jobId").GetString();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}:watch") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };

        using var response = await Runtime.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var first = JsonDocument.Parse((await reader.ReadLineAsync(timeout.Token))!);
        await PostAsync($"/v1/jobs/{id}:cancel", "{}", key);
        var rest = (await reader.ReadToEndAsync(timeout.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var missingSse = await SendAsync(HttpMethod.Get, $"/v1/jobs/{Guid.CreateVersion7()}/watch", key: key);
        using var missingJson = await SendAsync(HttpMethod.Get, $"/v1/jobs/{Guid.CreateVersion7()}:watch", key: key);
        using var anonymous = await Runtime.Http.GetAsync($"/v1/jobs/{id}/watch");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("available", first.RootElement.GetProperty("state").GetString());
        Assert.Equal("cancelled", JsonDocument.Parse(Assert.Single(rest)).RootElement.GetProperty("state").GetString());
        Assert.Equal("job_not_found", (await Problem.ReadAsync(missingSse, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("job_not_found", (await Problem.ReadAsync(missingJson, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("missing_api_key", (await Problem.ReadAsync(anonymous, HttpStatusCode.Unauthorized)).Reason);
    }

    [Fact]
    public async Task The_jobs_routes_are_in_the_openapi_document()
    {
        var openApi = await Runtime.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/v1/jobs", paths);
        Assert.Contains("/v1/jobs/{jobId}", paths);
        Assert.Contains("/v1/jobs/{jobId}/events", paths);
    }

    private static async Task<JsonElement?> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            }
        }

        return null;
    }

    private async Task<(string Tenant, string Key)> CreateTenantWithKeyAsync(params string[] scopes)
    {
        var tenant = "j-" + Guid.NewGuid().ToString("N")[..12];
        await PostAsync("/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"Jobs {{tenant}}"}""", RuntimeProcess.BootstrapKey);
        var issued = await PostAsync($"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "jobs test", scopes }), RuntimeProcess.BootstrapKey);
        return (tenant, issued.GetProperty("secret").GetString()!);
    }

    private async Task<JsonElement> PostAsync(string path, string json, string key)
    {
        using var response = await SendAsync(HttpMethod.Post, path, json, key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement> GetAsync(string path, string key)
    {
        using var response = await SendAsync(HttpMethod.Get, path, key: key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string key = RuntimeProcess.BootstrapKey)
        => Runtime.SendAsync(method, path, json, key);
}
