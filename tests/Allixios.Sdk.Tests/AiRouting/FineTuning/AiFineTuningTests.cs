using System.Text;
using Allixios.AiRouting;
using Allixios.AiRouting.FineTuning;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.FineTuning.FineTuningWire;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.Sdk.Tests.AiRouting.FineTuning;

/// <summary>
/// Fine-tuning against a WireMock upstream in OpenAI's wire format: the training file is checked locally, uploaded as
/// multipart, the job created, polled until it ends, and a succeeded job's model registered and routable — only by name
/// and only for the tenant that trained it.
/// </summary>
public sealed class AiFineTuningTests : IDisposable
{
    private const string FineTuned = "ft:gpt-4o-mini-2024-07-18:org-123:headlines:AbC123xY";

    private readonly WireMockServer _openAi = WireMockServer.Start();
    private readonly ServiceProvider _services;
    private readonly AiFineTuningClient _client;
    private readonly AiFineTuningTracker _tracker;
    private readonly AiRouter _router;

    public AiFineTuningTests()
    {
        var services = new ServiceCollection();
        services.AddAllixios()
            .AddAiRouting(o =>
            {
                o.OpenAi("openai", _openAi);
                o.Deploy("openai-gpt-4o-mini", "openai", "gpt-4o-mini");
                o.MaxRetries = 0;
            })
            .AddAiFineTuning();
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<AiFineTuningClient>();
        _tracker = _services.GetRequiredService<AiFineTuningTracker>();
        _router = _services.GetRequiredService<AiRouter>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _openAi.Stop();
    }

    [Fact]
    public async Task Submitting_uploads_the_file_as_multipart_then_creates_the_job_owned_by_the_tenant()
    {
        _openAi.Given(Request.Create().WithPath("/v1/files").UsingPost()).RespondWith(Json(FileUploaded));
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs").UsingPost()).RespondWith(Json(JobValidating));

        var job = await _client.SubmitAsync(Training(suffix: "headlines", epochs: 3), "acme");

        Assert.Equal(("ftjob-abc123", "openai", AiFineTuningStatus.ValidatingFiles, "acme"), (job.Id, job.Provider, job.Status, job.TenantId));
        Assert.Equal(("gpt-4o-mini-2024-07-18", "file-abc123"), (job.BaseModel, job.TrainingFile));
        var requests = _openAi.LogEntries.Select(e => e.RequestMessage).ToList();
        Assert.Equal(["/v1/files", "/v1/fine_tuning/jobs"], requests.Select(r => r.Path));
        var upload = requests[0];
        Assert.StartsWith("multipart/form-data", upload.Headers!["Content-Type"][0], StringComparison.Ordinal);
        Assert.Equal("Bearer sk-test", upload.Headers["Authorization"][0]);
        Assert.Contains("name=purpose", upload.Body, StringComparison.Ordinal);
        Assert.Contains("fine-tune", upload.Body, StringComparison.Ordinal);
        Assert.Contains("filename=training.jsonl", upload.Body, StringComparison.Ordinal);
        Assert.Contains("Headline 10", upload.Body, StringComparison.Ordinal);
        var create = requests[1].Body!;
        Assert.Contains("\"model\":\"gpt-4o-mini\"", create, StringComparison.Ordinal);
        Assert.Contains("\"training_file\":\"file-abc123\"", create, StringComparison.Ordinal);
        Assert.Contains("\"suffix\":\"headlines\"", create, StringComparison.Ordinal);
        Assert.Contains("\"n_epochs\":3", create, StringComparison.Ordinal);
        Assert.Contains("\"allixios_tenant\":\"acme\"", create, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_training_file_is_refused_locally_naming_the_lines_and_nothing_is_sent()
    {
        var lines = TrainingData.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        lines[1] = "{\"messages\": [";
        lines[3] = """{"prompt":"old completions format","completion":"no"}""";
        lines[5] = """{"messages":[{"role":"bot","content":"hi"}]}""";
        lines[7] = """{"messages":[{"role":"user","content":"no answer to learn"}]}""";
        lines[8] = """{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","weight":2}]}""";

        var error = await Assert.ThrowsAsync<AllixiosException>(() => _client.SubmitAsync(Training(string.Join("\n", lines)), "acme"));
        var few = await Assert.ThrowsAsync<AllixiosException>(() => _client.SubmitAsync(Training(string.Join("\n", lines.Take(3).Where((_, i) => i != 1))), "acme"));
        var empty = await Assert.ThrowsAsync<AllixiosException>(() => _client.SubmitAsync(Training(""), "acme"));
        var binary = Assert.Throws<AllixiosException>(() => _client.ValidateTrainingData(new byte[] { 0xff, 0xfe, 0x00 }));

        Assert.Equal(("invalid_training_file", AllixiosErrorKind.InvalidArgument), (error.Reason, error.Kind));
        Assert.Contains("line 2: not JSON", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 4: no \"messages\" array", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 6: message 0 has role \"bot\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 8: no assistant message", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 9: message 1 has \"weight\" 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("has 2 example(s); at least 10", few.Message, StringComparison.Ordinal);
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        Assert.Contains("not UTF-8", binary.Message, StringComparison.Ordinal);
        Assert.Empty(_openAi.LogEntries);
    }

    [Fact]
    public async Task The_providers_refusal_of_a_file_or_a_model_is_a_bad_request_carrying_its_message()
    {
        _openAi.Given(Request.Create().WithPath("/v1/files").UsingPost()).RespondWith(Json(FileRejected, 400));
        var file = await Assert.ThrowsAsync<AllixiosException>(() => _client.SubmitAsync(Training(), "acme"));

        _openAi.Reset();
        _openAi.Given(Request.Create().WithPath("/v1/files").UsingPost()).RespondWith(Json(FileUploaded));
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs").UsingPost()).RespondWith(Json(ModelNotAvailable, 400));
        var model = await Assert.ThrowsAsync<AllixiosException>(() => _client.SubmitAsync(Training(), "acme"));

        Assert.Equal(("provider_rejected_request", AllixiosErrorKind.InvalidArgument), (file.Reason, file.Kind));
        Assert.Contains("Invalid file format for Fine-Tuning API", file.Message, StringComparison.Ordinal);
        Assert.Contains("not available for fine-tuning", model.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_outage_is_a_provider_error_not_a_bad_request()
    {
        _openAi.Given(Request.Create().WithPath("/v1/files").UsingPost()).RespondWith(Json(OpenAiServerError, 500));

        var error = await Assert.ThrowsAsync<AiProviderException>(() => _client.SubmitAsync(Training(), "acme"));

        Assert.Equal(AiFailureKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task The_tracker_polls_until_the_job_succeeds_then_the_model_is_registered_with_its_base_models_capabilities_and_fine_tuned_prices()
    {
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs/ftjob-abc123").UsingGet()).AtPriority(2).RespondWith(Json(JobRunning));
        _tracker.Track(AiFineTuningClient.ToJob("openai", new OpenAiFineTuningWire.Job { Id = "ftjob-abc123", Model = "gpt-4o-mini-2024-07-18", Status = "queued" }));

        Assert.Empty(await _tracker.PollAsync());
        var tracked = Assert.Single(_tracker.Tracked);
        Assert.Equal(AiFineTuningStatus.Running, tracked.Status);
        Assert.NotNull(tracked.EstimatedFinish);
        Assert.False(_router.Catalog.TryGetModel(FineTuned, out _));

        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs/ftjob-abc123").UsingGet()).AtPriority(1).RespondWith(Json(JobSucceeded));
        var ended = Assert.Single(await _tracker.PollAsync());

        Assert.Equal((AiFineTuningStatus.Succeeded, FineTuned, 5768L), (ended.Status, ended.FineTunedModel, ended.TrainedTokens));
        Assert.Empty(_tracker.Tracked);
        Assert.True(_router.Catalog.TryGetModel(FineTuned, out var model));
        var baseModel = _router.Catalog.Models["gpt-4o-mini"];
        Assert.Equal((baseModel.ContextWindow, baseModel.Capabilities, baseModel.QualityPrior), (model.ContextWindow, model.Capabilities, model.QualityPrior));
        Assert.Equal((3e-07m, 1.2e-06m), (model.InputCostPerToken, model.OutputCostPerToken));
        var deployment = Assert.Single(_router.Catalog.Deployments, d => d.Id == FineTuned);
        Assert.Equal(("openai", FineTuned, "acme", true), (deployment.ProviderName, deployment.UpstreamModel, deployment.OwnerTenantId, deployment.NamedOnly));
    }

    [Fact]
    public async Task A_registered_fine_tuned_model_serves_its_tenant_by_name_only()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiCompletion));
        _tracker.Track(AiFineTuningClient.ToJob("openai", System.Text.Json.JsonSerializer.Deserialize<OpenAiFineTuningWire.Job>(JobSucceeded)!));

        var named = await _router.GetResponseAsync("Headline please", Chat("acme", FineTuned));
        var other = await Assert.ThrowsAsync<AllixiosException>(() => _router.GetResponseAsync("Headline please", Chat("globex", FineTuned)));
        var byPolicy = await _router.GetResponseAsync("Headline please", Chat("acme", model: null));

        Assert.Equal(FineTuned, named.GetUsageReport()!.DeploymentId);
        Assert.Equal("unknown_model", other.Reason);
        Assert.DoesNotContain(FineTuned, other.Message.Split("Known models")[1], StringComparison.Ordinal);
        Assert.Equal("openai-gpt-4o-mini", byPolicy.GetUsageReport()!.DeploymentId);
        var bodies = _openAi.LogEntries.Select(e => e.RequestMessage.Body!).ToList();
        Assert.Contains($"\"model\":\"{FineTuned}\"", bodies[0], StringComparison.Ordinal);
        Assert.Contains("\"model\":\"gpt-4o-mini\"", bodies[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_job_ends_with_the_providers_error_and_registers_nothing()
    {
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs/ftjob-abc123").UsingGet()).RespondWith(Json(JobFailed));
        _tracker.Track(AiFineTuningClient.ToJob("openai", new OpenAiFineTuningWire.Job { Id = "ftjob-abc123", Model = "gpt-4o-mini-2024-07-18", Status = "running" }));

        var ended = Assert.Single(await _tracker.PollAsync());

        Assert.Equal((AiFineTuningStatus.Failed, "invalid_training_file"), (ended.Status, ended.ErrorCode));
        Assert.Contains("Unrecognized role 'bot'", ended.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(["openai-gpt-4o-mini"], _router.Catalog.Deployments.Select(d => d.Id));
    }

    [Fact]
    public async Task Jobs_events_and_cancelling_are_scoped_to_the_tenant_that_submitted_them()
    {
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs/ftjob-abc123").UsingGet()).RespondWith(Json(JobRunning));
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs/ftjob-abc123/events").UsingGet()).RespondWith(Json(Events));
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs/ftjob-abc123/cancel").UsingPost()).RespondWith(Json(JobCancelled));
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs").UsingGet()).RespondWith(Json($$"""{"object":"list","data":[{{JobRunning}},{{JobOfAnotherTenant}}],"has_more":false}"""));
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs/ftjob-nope").UsingGet()).RespondWith(Json(JobNotFound, 404));

        var listed = await _client.ListAsync(null, "acme");
        var events = await _client.ListEventsAsync(null, "ftjob-abc123", "acme");
        var hidden = await Assert.ThrowsAsync<AllixiosException>(() => _client.GetAsync(null, "ftjob-abc123", "globex"));
        var cancelHidden = await Assert.ThrowsAsync<AllixiosException>(() => _client.CancelAsync(null, "ftjob-abc123", "globex"));
        var missing = await Assert.ThrowsAsync<AllixiosException>(() => _client.GetAsync(null, "ftjob-nope", "acme"));
        var cancelled = await _client.CancelAsync(null, "ftjob-abc123", "acme");

        Assert.Equal(["ftjob-abc123"], listed.Select(j => j.Id));
        Assert.Equal(2, (await _client.ListAsync(null)).Count);
        Assert.Equal(["ftevent-2", "ftevent-1"], events.Select(e => e.Id));
        Assert.Equal(("metrics", "Step 1/90: training loss=2.34"), (events[1].Type, events[1].Message));
        Assert.Equal((AllixiosErrorKind.NotFound, "fine_tuning_job_not_found"), (hidden.Kind, hidden.Reason));
        Assert.Equal(AllixiosErrorKind.NotFound, cancelHidden.Kind);
        Assert.Equal((AllixiosErrorKind.NotFound, "fine_tuning_job_not_found"), (missing.Kind, missing.Reason));
        Assert.Equal(AiFineTuningStatus.Cancelled, cancelled.Status);
        Assert.Single(_openAi.LogEntries, e => e.RequestMessage.Path.EndsWith("/cancel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_that_has_ended_cannot_be_cancelled()
    {
        _openAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs/ftjob-abc123").UsingGet()).RespondWith(Json(JobSucceeded));

        var error = await Assert.ThrowsAsync<AllixiosException>(() => _client.CancelAsync("openai", "ftjob-abc123", "acme"));

        Assert.Equal((AllixiosErrorKind.FailedPrecondition, "fine_tuning_job_ended"), (error.Kind, error.Reason));
        Assert.DoesNotContain(_openAi.LogEntries, e => e.RequestMessage.Path.EndsWith("/cancel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_requests_are_refused_before_the_provider_with_what_to_fix()
    {
        var reasons = new List<string>
        {
            (await Assert.ThrowsAsync<AllixiosException>(() => _client.SubmitAsync(Training() with { BaseModel = " " }))).Reason,
            (await Assert.ThrowsAsync<AllixiosException>(() => _client.SubmitAsync(Training() with { BaseModel = "claude-9" }))).Reason,
            (await Assert.ThrowsAsync<AllixiosException>(() => _client.SubmitAsync(Training(suffix: new string('s', 65))))).Reason,
            (await Assert.ThrowsAsync<AllixiosException>(() => _client.SubmitAsync(Training(epochs: 0)))).Reason,
            (await Assert.ThrowsAsync<AllixiosException>(() => _client.ListAsync(null, limit: 0))).Reason,
            (await Assert.ThrowsAsync<AllixiosException>(() => _client.GetAsync(null, "../files"))).Reason,
            (await Assert.ThrowsAsync<AllixiosException>(() => _client.GetAsync("anthropic", "ftjob-abc123"))).Reason,
        };

        Assert.Equal(["base_model_required", "unknown_base_model", "invalid_suffix", "invalid_epochs", "invalid_limit", "invalid_job_id", "unknown_provider"], reasons);
        Assert.Empty(_openAi.LogEntries);
    }

    private static AiFineTuningRequest Training(string? data = null, string? suffix = null, int? epochs = null) => new()
    {
        BaseModel = "gpt-4o-mini",
        TrainingData = Encoding.UTF8.GetBytes(data ?? TrainingData),
        Suffix = suffix,
        Epochs = epochs,
    };

    private static ChatOptions Chat(string tenant, string? model) => new()
    {
        ModelId = model,
        AdditionalProperties = new() { [AiRouter.TenantIdProperty] = tenant },
    };
}
