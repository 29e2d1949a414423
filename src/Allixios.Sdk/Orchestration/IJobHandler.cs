namespace Allixios.Orchestration;

/// <summary>
/// Runs jobs of one type. Register it with <c>.AddJobHandler&lt;THandler&gt;("content.generate")</c>; the worker
/// resolves it from a fresh service scope for each job. Returning completes the job; throwing fails the attempt
/// (retried with backoff until its attempts are used up); <see cref="JobContext{TPayload}.CancellationToken"/> fires
/// when the job is cancelled, times out, passes its deadline, loses its lease or the host stops.
/// </summary>
/// <typeparam name="TPayload">The payload, deserialised from the job's JSON with the web defaults (camelCase).</typeparam>
public interface IJobHandler<TPayload>
{
    /// <summary>Does the job's work.</summary>
    ValueTask HandleAsync(JobContext<TPayload> context);
}
