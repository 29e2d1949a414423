using System.Net;
using System.Text.Json;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The cron schedules API of a runtime whose job types are declared in configuration, over HTTP/JSON.</summary>
public sealed class CronSchedulesApiTests(JobsRuntimeFixture fixture) : IClassFixture<JobsRuntimeFixture>
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact(Timeout = 60_000)]
    public async Task A_schedule_is_created_read_listed_updated_and_deleted_and_its_scheduler_enqueues_its_jobs()
    {
        var key = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");

        var created = await SendOkAsync(HttpMethod.Post, "/v1/cron-schedules", """
            {"name":"every-second","expression":"* * * * * *","timeZone":"Europe/Berlin",
             "job":{"type":"content.generate","payload":{"topic":"tick"},"priority":8,"tags":["cron"]}}
            """, key);
        var id = created.GetProperty("scheduleId").GetString()!;
        Assert.Equal("Europe/Berlin", created.GetProperty("timeZone").GetString());
        Assert.Equal("fire_once", created.GetProperty("misfirePolicy").GetString());
        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.Equal("tick", created.GetProperty("job").GetProperty("payload").GetProperty("topic").GetString());
        Assert.Equal(JsonValueKind.String, created.GetProperty("nextFireTime").ValueKind);

        // The runtime's scheduler fires it within a second or two.
        JsonElement[] jobs = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (jobs.Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The schedule enqueued no job in 30 s.");
            await Task.Delay(200);
            jobs = [.. (await SendOkAsync(HttpMethod.Get, "/v1/jobs?type=content.generate", key: key)).GetProperty("jobs").EnumerateArray()];
        }

        Assert.StartsWith($"cron:{Guid.Parse(id):N}:", jobs[0].GetProperty("idempotencyKey").GetString(), StringComparison.Ordinal);
        Assert.Equal(8, jobs[0].GetProperty("priority").GetInt32());
        // The schedule moves on right after its job is enqueued.
        while (!(await SendOkAsync(HttpMethod.Get, $"/v1/cron-schedules/{id}", key: key)).TryGetProperty("lastFireTime", out var fired) || fired.ValueKind != JsonValueKind.String)
        {
            Assert.True(DateTime.UtcNow < deadline, "The schedule never recorded its last fire.");
            await Task.Delay(100);
        }

        var updated = await SendOkAsync(HttpMethod.Put, $"/v1/cron-schedules/{id}", """
            {"name":"nightly","expression":"0 3 * * *","job":{"type":"content.generate","payload":{"topic":"night"}},"enabled":false,"misfirePolicy":"skip"}
            """, key);
        Assert.Equal("nightly", updated.GetProperty("name").GetString());
        Assert.False(updated.GetProperty("enabled").GetBoolean());
        Assert.Equal("skip", updated.GetProperty("misfirePolicy").GetString());
        Assert.True(!updated.TryGetProperty("nextFireTime", out var next) || next.ValueKind == JsonValueKind.Null);
        var listed = (await SendOkAsync(HttpMethod.Get, "/v1/cron-schedules", key: key)).GetProperty("schedules");
        Assert.Equal(["nightly"], listed.EnumerateArray().Select(s => s.GetProperty("name").GetString()));

        await SendOkAsync(HttpMethod.Delete, $"/v1/cron-schedules/{id}", key: key);
        using var gone = await Runtime.SendAsync(HttpMethod.Get, $"/v1/cron-schedules/{id}", key: key);
        Assert.Equal("cron_schedule_not_found", (await Problem.ReadAsync(gone, HttpStatusCode.NotFound)).Reason);
    }

    [Theory]
    [InlineData("""{"name":"s","expression":"61 * * * *","job":{"type":"content.generate","payload":{"topic":"x"}}}""", "invalid_cron_expression", "The cron expression '61 * * * *' is not valid: ")]
    [InlineData("""{"name":"s","expression":"@daily","timeZone":"Mars/Base","job":{"type":"content.generate","payload":{"topic":"x"}}}""", "unknown_time_zone", "Time zone 'Mars/Base' is not known")]
    [InlineData("""{"name":"s","expression":"@daily","job":{"type":"no.such.type","payload":{}}}""", "unknown_job_type", "'no.such.type' is not registered")]
    [InlineData("""{"name":"s","expression":"@daily","job":{"type":"content.generate","payload":{"topic":""}}}""", "invalid_payload", "#/topic: StringTooShort")]
    [InlineData("""{"name":"s","expression":"@daily","job":{"type":"content.generate","payload":{"topic":"x"},"delay":"5s"}}""", "invalid_cron_job", "takes no delay")]
    [InlineData("""{"name":"s","expression":"@daily"}""", "invalid_cron_job", "needs \"job\"")]
    [InlineData("""{"name":"s","expression":"@daily","misfirePolicy":"later","job":{"type":"content.generate","payload":{"topic":"x"}}}""", "invalid_misfire_policy", "use fire_once, skip or fire_all")]
    [InlineData("""{"name":"s","expression":"@daily","maxMissedFires":5000,"job":{"type":"content.generate","payload":{"topic":"x"}}}""", "invalid_max_missed_fires", "use 1 to 1000")]
    public async Task Bad_schedules_are_400_problem_json_that_say_what_to_fix_and_create_nothing(string body, string reason, string hint)
    {
        var key = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/cron-schedules", body, key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(reason, problem.Reason);
        Assert.Contains(hint, problem.Detail, StringComparison.Ordinal);
        Assert.Empty((await SendOkAsync(HttpMethod.Get, "/v1/cron-schedules", key: key)).GetProperty("schedules").EnumerateArray());
    }

    [Fact]
    public async Task A_taken_name_is_409_an_unknown_schedule_404_a_malformed_id_400_and_a_read_only_key_403()
    {
        var key = await CreateTenantWithKeyAsync("jobs:read", "jobs:write");
        var reader = await CreateTenantWithKeyAsync("jobs:read");
        const string Body = """{"name":"hourly","expression":"@hourly","job":{"type":"content.generate","payload":{"topic":"x"}}}""";
        await SendOkAsync(HttpMethod.Post, "/v1/cron-schedules", Body, key);

        using var taken = await Runtime.SendAsync(HttpMethod.Post, "/v1/cron-schedules", Body, key);
        using var unknown = await Runtime.SendAsync(HttpMethod.Get, $"/v1/cron-schedules/{Guid.NewGuid()}", key: key);
        using var malformed = await Runtime.SendAsync(HttpMethod.Delete, "/v1/cron-schedules/not-an-id", key: key);
        using var forbidden = await Runtime.SendAsync(HttpMethod.Post, "/v1/cron-schedules", Body, reader);

        Assert.Equal("cron_schedule_exists", (await Problem.ReadAsync(taken, HttpStatusCode.Conflict)).Reason);
        Assert.Equal("cron_schedule_not_found", (await Problem.ReadAsync(unknown, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("invalid_schedule_id", (await Problem.ReadAsync(malformed, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private async Task<string> CreateTenantWithKeyAsync(params string[] scopes)
    {
        var tenant = "c-" + Guid.NewGuid().ToString("N")[..12];
        await SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"Cron {{tenant}}"}""", RuntimeProcess.BootstrapKey);
        var issued = await SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "cron test", scopes }), RuntimeProcess.BootstrapKey);
        return issued.GetProperty("secret").GetString()!;
    }

    private Task<JsonElement> SendOkAsync(HttpMethod method, string path, string? json = null, string key = RuntimeProcess.BootstrapKey) =>
        Runtime.SendOkAsync(method, path, json, key);
}
