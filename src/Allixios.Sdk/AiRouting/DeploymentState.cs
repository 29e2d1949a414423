using Allixios.Diagnostics;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;

namespace Allixios.AiRouting;

/// <summary>
/// One deployment as the router sees it at run time: its client, its circuit breaker (a Polly pipeline) and cooldown,
/// its moving-average latency and its moving quality. The fields routing reads on every decision are plain values, so a decision neither
/// locks nor allocates.
/// </summary>
internal sealed class DeploymentState
{
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _breaker;
    private readonly double _smoothing;
    private readonly double _qualitySmoothing;
    private long _coolUntil;
    private long _latencyBits;
    private long _qualityBits;
    private long _qualitySamples;

    public DeploymentState(int index, AiDeployment deployment, AiCapabilities capabilities, IChatClient? chat, IEmbeddingGenerator<string, Embedding<float>>? embeddings, AiRoutingOptions options, TimeProvider time)
    {
        Index = index;
        Deployment = deployment;
        Capabilities = capabilities;
        Chat = chat;
        Embeddings = embeddings;
        _time = time;
        _smoothing = options.LatencySmoothing;
        _qualitySmoothing = options.QualitySmoothing;
        var model = deployment.Model;
        ContextWindow = model.ContextWindow;
        MaxOutputTokens = model.MaxOutputTokens > 0 ? model.MaxOutputTokens : model.ContextWindow;
        QualityPrior = model.QualityPrior;
        _qualityBits = BitConverter.DoubleToInt64Bits(model.QualityPrior);
        Price = (double)(model.InputCostPerToken + model.OutputCostPerToken);
        Weight = deployment.Weight;
        _breaker = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is AiProviderException { IsTransient: true }),
                OnOpened = args =>
                {
                    // Routing skips the deployment until the cooldown ends; then the breaker lets one trial call through.
                    Volatile.Write(ref _coolUntil, _time.GetTimestamp() + (long)(args.BreakDuration.TotalSeconds * _time.TimestampFrequency));
                    AllixiosTelemetry.AiCircuitOpened.Add(1, new KeyValuePair<string, object?>("deployment", deployment.Id));
                    return default;
                },
                OnClosed = _ =>
                {
                    Volatile.Write(ref _coolUntil, 0);
                    return default;
                },
            })
            .Build();
    }

    public int Index { get; }

    public AiDeployment Deployment { get; }

    public AiCapabilities Capabilities { get; }

    public IChatClient? Chat { get; }

    public IEmbeddingGenerator<string, Embedding<float>>? Embeddings { get; }

    /// <summary>
    /// Calls the deployment through its circuit breaker: <paramref name="call"/> gets <paramref name="state"/> and the
    /// caller's token; a <see cref="BrokenCircuitException"/> when the circuit is open. The breaker's
    /// <c>ExecuteAsync</c> does the same with more async layers on every call: here <paramref name="call"/> returns its
    /// task without a wrapping lambda, the outcome comes back as a value rather than through Polly's own wrapper, and it
    /// is an outcome of <see cref="object"/>, the breaker's own result type, so Polly passes it through instead of
    /// converting it in two more async layers (its BridgeComponent).
    /// </summary>
    public async ValueTask<TResult> CallAsync<TResult, TState>(Func<TState, CancellationToken, Task<TResult>> call, TState state, CancellationToken cancellationToken)
        where TResult : class
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await _breaker.ExecuteOutcomeAsync(
                static async (context, arguments) =>
                {
                    try
                    {
                        return Outcome.FromResult<object>(await arguments.Call(arguments.State, context.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<object>(e);
                    }
                },
                context,
                (Call: call, State: state)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return (TResult)outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public int ContextWindow { get; }

    public int MaxOutputTokens { get; }

    /// <summary>The model's quality prior from the catalog, 0 to 100.</summary>
    public double QualityPrior { get; }

    /// <summary>
    /// The quality routing uses: an exponentially weighted moving average of the scores recorded for the deployment's
    /// answers that starts at the prior, so the prior counts until scores come in and fades as they do.
    /// </summary>
    public double Quality => BitConverter.Int64BitsToDouble(Volatile.Read(ref _qualityBits));

    /// <summary>How many scores have been recorded.</summary>
    public long QualitySamples => Volatile.Read(ref _qualitySamples);

    /// <summary>Input plus output price per token: the order of the cheapest strategy.</summary>
    public double Price { get; }

    public int Weight { get; }

    /// <summary>The moving-average latency in milliseconds; 0 until the first call, so new deployments get measured.</summary>
    public double LatencyMs => BitConverter.Int64BitsToDouble(Volatile.Read(ref _latencyBits));

    public bool IsCooling(long now) => now < Volatile.Read(ref _coolUntil);

    public void RecordQuality(double score)
    {
        long seen;
        long next;
        do
        {
            seen = Volatile.Read(ref _qualityBits);
            next = BitConverter.DoubleToInt64Bits(SmoothQuality(BitConverter.Int64BitsToDouble(seen), score));
        }
        while (Interlocked.CompareExchange(ref _qualityBits, next, seen) != seen);
        Interlocked.Increment(ref _qualitySamples);
    }

    /// <summary>One step of the moving quality: the same arithmetic live and when rebuilt from the ledger, so both agree to the bit.</summary>
    public double SmoothQuality(double current, double score) => current + (_qualitySmoothing * (score - current));

    /// <summary>Sets the moving quality rebuilt from <paramref name="samples"/> stored scores.</summary>
    public void RestoreQuality(double quality, long samples)
    {
        Volatile.Write(ref _qualityBits, BitConverter.DoubleToInt64Bits(quality));
        Volatile.Write(ref _qualitySamples, samples);
    }

    public void RecordLatency(TimeSpan latency)
    {
        var sample = latency.TotalMilliseconds;
        long seen;
        long next;
        do
        {
            seen = Volatile.Read(ref _latencyBits);
            var current = BitConverter.Int64BitsToDouble(seen);
            next = BitConverter.DoubleToInt64Bits(current == 0 ? sample : current + (_smoothing * (sample - current)));
        }
        while (Interlocked.CompareExchange(ref _latencyBits, next, seen) != seen);
    }
}
