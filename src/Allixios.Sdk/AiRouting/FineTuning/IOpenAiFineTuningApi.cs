using Refit;

namespace Allixios.AiRouting.FineTuning;

/// <summary>OpenAI's files and fine-tuning API, as Refit declares it. Use <see cref="AiFineTuningClient"/> in code.</summary>
public interface IOpenAiFineTuningApi
{
    /// <summary>Uploads a file (<c>multipart/form-data</c> with <c>purpose</c> and <c>file</c>).</summary>
    [Multipart]
    [Post("/files")]
    Task<IApiResponse<OpenAiFineTuningWire.FileObject>> UploadFileAsync([AliasAs("purpose")] string purpose, [AliasAs("file")] StreamPart file, CancellationToken cancellationToken = default);

    /// <summary>Creates a fine-tuning job.</summary>
    [Post("/fine_tuning/jobs")]
    Task<IApiResponse<OpenAiFineTuningWire.Job>> CreateJobAsync([Body] OpenAiFineTuningWire.CreateJobRequest request, CancellationToken cancellationToken = default);

    /// <summary>One fine-tuning job.</summary>
    [Get("/fine_tuning/jobs/{id}")]
    Task<IApiResponse<OpenAiFineTuningWire.Job>> GetJobAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Fine-tuning jobs, newest first, one page.</summary>
    [Get("/fine_tuning/jobs")]
    Task<IApiResponse<OpenAiFineTuningWire.Page<OpenAiFineTuningWire.Job>>> ListJobsAsync([AliasAs("after")] string? after, [AliasAs("limit")] int? limit, CancellationToken cancellationToken = default);

    /// <summary>A job's events, newest first.</summary>
    [Get("/fine_tuning/jobs/{id}/events")]
    Task<IApiResponse<OpenAiFineTuningWire.Page<OpenAiFineTuningWire.JobEvent>>> ListEventsAsync(string id, [AliasAs("limit")] int? limit, CancellationToken cancellationToken = default);

    /// <summary>Cancels a job that has not finished.</summary>
    [Post("/fine_tuning/jobs/{id}/cancel")]
    Task<IApiResponse<OpenAiFineTuningWire.Job>> CancelJobAsync(string id, CancellationToken cancellationToken = default);
}
