namespace Allixios.Orchestration;

/// <summary>One entry of a job's history: a state change, or progress reported while it runs.</summary>
/// <param name="JobId">The job.</param>
/// <param name="At">When it happened.</param>
/// <param name="From">The state before, or none when the job was created.</param>
/// <param name="To">The state after; equal to <paramref name="From"/> for a progress report.</param>
/// <param name="Worker">The worker involved, if any.</param>
/// <param name="Attempt">The job's attempt number at the time.</param>
/// <param name="Error">The error or reason, for failures and cancellations.</param>
/// <param name="Progress">The progress reported, for progress entries.</param>
public sealed record JobEvent(
    Guid JobId,
    DateTimeOffset At,
    JobState? From,
    JobState To,
    string? Worker,
    int Attempt,
    string? Error,
    JobProgress? Progress);
