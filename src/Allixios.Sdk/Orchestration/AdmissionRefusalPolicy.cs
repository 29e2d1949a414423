namespace Allixios.Orchestration;

/// <summary>What the worker does with a job that a budget or a rate limit refuses to admit.</summary>
public enum AdmissionRefusalPolicy
{
    /// <summary>Hand it back, due when it may be admitted (the rate-limit window's end, the budget's reset, or sooner when running work holds the budget); the attempt is not counted.</summary>
    Defer,

    /// <summary>Dead-letter it at once with the refusal as its error.</summary>
    Fail,
}
