namespace Allixios.Sdk.Tests.Caching;

/// <summary>A factory that counts its runs and answers "value-N" for run N, or whatever the test makes it do.</summary>
internal sealed class CountingFactory
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    /// <summary>When set, the next runs throw this instead of answering.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, the runs wait for it before answering (and honour cancellation).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Completes when a run has started.</summary>
    public TaskCompletionSource Started { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask<string> RunAsync(CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _runs);
        Started.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        return "value-" + run;
    }

    public void ResetStarted() => Started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
}
