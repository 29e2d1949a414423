using System.Text.Json;
using Allixios.Orchestration;
using Allixios.Testing.Storage;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>Job types declared in the runtime's configuration: mistakes stop the start, and on PostgreSQL an external worker takes their jobs.</summary>
public sealed class JobsConfigurationTests
{
    [Theory]
    [InlineData("Allixios__Orchestration__JobTypes__bad__Schema", "{}", "Allixios__Orchestration__JobTypes__bad__SchemaFile", "/tmp/x.json", "has both Schema and SchemaFile")]
    [InlineData("Allixios__Orchestration__JobTypes__bad__SchemaFile", "/no/such/schema.json", "Allixios__Orchestration__JobTypes__bad__Name", "bad", "SchemaFile '/no/such/schema.json' cannot be read")]
    [InlineData("Allixios__Orchestration__JobTypes__Bad Name__Schema", "{}", "Unused", "", "does not declare a usable job type")]
    public async Task A_job_type_declaration_that_cannot_be_used_stops_the_start_with_a_message_naming_it(string name1, string value1, string name2, string value2, string message)
    {
        var (exitCode, output) = await RuntimeProcess.RunVerbAsync(new Dictionary<string, string> { [name1] = value1, [name2] = value2 });

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Contains("Allixios:Orchestration:JobTypes:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_postgres_an_external_worker_takes_a_declared_job_and_the_api_re_drives_it_once_dead_lettered()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ALLIXIOS__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString,
            ["Allixios__Orchestration__JobTypes__content.generate__Schema"] = JobsRuntimeFixture.GenerateSchema,
        });
        await runtime.WaitUntilAnswersAsync("/health/ready", TimeSpan.FromSeconds(30));
        var id = (await SendAsync(runtime, HttpMethod.Post, "/v1/jobs", """{"type":"content.generate","payload":{"topic":"durable"},"maxAttempts":1}"""))
            .GetProperty("job").GetProperty("jobId").GetString();

        // The external worker: the SDK's queue on the same database, as a worker process of its own would use it.
        await using var dataSource = database.CreateDataSource();
        await using var worker = new PostgresJobQueue(dataSource, TimeProvider.System);
        var lease = Assert.Single(await worker.DequeueAsync(new DequeueRequest("external-worker", 10, TimeSpan.FromMinutes(1), ["content.generate"])));
        var running = await SendAsync(runtime, HttpMethod.Get, $"/v1/jobs/{id}");
        await worker.FailAsync(lease, "provider unavailable", retryAt: null);
        var dead = await SendAsync(runtime, HttpMethod.Get, "/v1/jobs?state=dead_lettered");
        var retried = await SendAsync(runtime, HttpMethod.Post, $"/v1/jobs/{id}:retry", "{}");
        var stats = await SendAsync(runtime, HttpMethod.Get, "/v1/jobs:stats");

        Assert.Equal(id, lease.Job.Id.ToString());
        Assert.Equal(("running", "external-worker"), (running.GetProperty("state").GetString(), running.GetProperty("worker").GetString()));
        var deadJob = Assert.Single(dead.GetProperty("jobs").EnumerateArray());
        Assert.Equal("provider unavailable", deadJob.GetProperty("lastError").GetString());
        Assert.Equal(("available", 0), (retried.GetProperty("state").GetString(), retried.GetProperty("attempt").GetInt32()));
        Assert.Equal(1, stats.GetProperty("byState").GetProperty("available").GetInt64());
        Assert.Equal(0, stats.GetProperty("byState").GetProperty("dead_lettered").GetInt64());
    }

    private static Task<JsonElement> SendAsync(RuntimeProcess runtime, HttpMethod method, string path, string? json = null)
        => runtime.SendOkAsync(method, path, json);
}
