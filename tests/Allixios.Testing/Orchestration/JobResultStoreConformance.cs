using System.Text.Json.Nodes;
using Allixios.Orchestration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Testing.Orchestration;

/// <summary>The contract of <see cref="IJobResultStore"/> over the queue it belongs with; derive once per implementation.</summary>
public abstract class JobResultStoreConformance : IAsyncLifetime
{
    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 10, 0, 0, TimeSpan.Zero);

    private (IJobQueue Queue, IJobResultStore Results)? _stores;

    /// <summary>The clock of the stores under test.</summary>
    protected FakeTimeProvider Time { get; } = new(T0);

    private IJobQueue Queue => _stores?.Queue ?? throw new InvalidOperationException("The stores are created in InitializeAsync.");

    private IJobResultStore Results => _stores?.Results ?? throw new InvalidOperationException("The stores are created in InitializeAsync.");

    private JobClient Client => new(Queue, new JobTypeRegistry([new JobTypeRegistration("noop", null)]), Options.Create(new OrchestrationOptions()), Time);

    /// <summary>Creates a fresh, empty queue and the result store over the same storage, whose times come from <paramref name="time"/>.</summary>
    protected abstract Task<(IJobQueue Queue, IJobResultStore Results)> CreateAsync(TimeProvider time);

    /// <inheritdoc />
    public async Task InitializeAsync() => _stores = await CreateAsync(Time);

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_stored_result_is_read_back_and_a_later_one_replaces_it()
    {
        var job = await EnqueueAsync(TenantA);

        await Results.SetAsync(new JobResult(job.Id, TenantA, """{"text":"first","score":71.5}""", T0));
        Time.Advance(TimeSpan.FromSeconds(3));
        await Results.SetAsync(new JobResult(job.Id, TenantA, """{"text":"second","breakdown":[{"name":"keywords","score":100}]}""", T0));
        var read = await Results.GetAsync(TenantA, job.Id);

        Assert.NotNull(read);
        Assert.Equal(job.Id, read.JobId);
        Assert.Equal(TenantA, read.TenantId);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"text":"second","breakdown":[{"name":"keywords","score":100}]}"""), JsonNode.Parse(read.Result)));
        Assert.Equal(T0.AddSeconds(3), read.CreatedAt);
    }

    [Fact]
    public async Task A_job_without_a_result_has_none()
    {
        var job = await EnqueueAsync(TenantA);

        Assert.Null(await Results.GetAsync(TenantA, job.Id));
        Assert.Null(await Results.GetAsync(TenantA, Guid.CreateVersion7()));
    }

    [Fact]
    public async Task Another_tenant_can_neither_read_a_result_nor_store_one_for_the_job()
    {
        var job = await EnqueueAsync(TenantA);
        await Results.SetAsync(new JobResult(job.Id, TenantA, """{"mine":true}""", T0));

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Results.SetAsync(new JobResult(job.Id, TenantB, """{"mine":false}""", T0)));

        Assert.Equal(AllixiosErrorKind.NotFound, error.Kind);
        Assert.Equal("job_not_found", error.Reason);
        Assert.Null(await Results.GetAsync(TenantB, job.Id));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"mine":true}"""), JsonNode.Parse((await Results.GetAsync(TenantA, job.Id))!.Result)));
    }

    [Fact]
    public async Task A_result_for_an_unknown_job_or_one_that_is_not_JSON_is_refused()
    {
        var job = await EnqueueAsync(TenantA);

        var unknown = await Assert.ThrowsAsync<AllixiosException>(async () => await Results.SetAsync(new JobResult(Guid.CreateVersion7(), TenantA, "{}", T0)));
        var notJson = await Assert.ThrowsAsync<AllixiosException>(async () => await Results.SetAsync(new JobResult(job.Id, TenantA, "draft: hello", T0)));

        Assert.Equal("job_not_found", unknown.Reason);
        Assert.Equal(AllixiosErrorKind.InvalidArgument, notJson.Kind);
        Assert.Equal("invalid_job_result", notJson.Reason);
        Assert.Null(await Results.GetAsync(TenantA, job.Id));
    }

    [Fact]
    public async Task A_result_goes_when_retention_deletes_its_job()
    {
        var job = await EnqueueAsync(TenantA);
        var kept = await EnqueueAsync(TenantA);
        await Results.SetAsync(new JobResult(job.Id, TenantA, """{"text":"old"}""", T0));
        await Results.SetAsync(new JobResult(kept.Id, TenantA, """{"text":"kept"}""", T0));
        await Client.CancelAsync(TenantA, job.Id);
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, await Queue.DeleteFinishedAsync(Time.GetUtcNow(), 10));

        Assert.Null(await Results.GetAsync(TenantA, job.Id));
        Assert.NotNull(await Results.GetAsync(TenantA, kept.Id));
    }

    private async Task<Job> EnqueueAsync(string tenant) => (await Client.EnqueueAsync(tenant, new NewJob("noop", "{}"))).Job;
}
