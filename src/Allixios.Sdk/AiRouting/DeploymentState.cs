using Allixios.Diagnostics;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;

namespace Allixios.AiRouting;

/// <summary>
/// One deployment as the router sees it at run time: its client, its circuit breaker (a Polly pipeline) and cooldown,
/// and its moving-average latency. The fields routing reads on every decision are plain values, so a decision neither
/// locks nor allocates.
/// </summary>
internal sealed class DeploymentState
{
    private readonly TimeProvider _time;
    private readonly double _smoothing;
    private long _coolUntil;
    private long _latencyBits;

    public DeploymentState(int index, AiDeployment deployment, AiCapabilities capabilities, IChatClient? chat, IEmbeddingGenerator<string, Embedding<float>>? embeddings, AiRoutingOptions options, TimeProvider time)
    {
        Index = index;
        Deployment = deployment;
        Capabilities = capabilities;
        Chat = chat;
        Embeddings = embeddings;
        _time = time;
        _smoothing = options.LatencySmoothing;
        var model = deployment.Model;
        ContextWindow = model.ContextWindow;
        MaxOutputTokens = model.MaxOutputTokens > 0 ? model.MaxOutputTokens : model.ContextWindow;
        Quality = model.QualityPrior;
        Price = (double)(model.InputCostPerToken + model.OutputCostPerToken);
        Weight = deployment.Weight;
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
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

    public ResiliencePipeline Pipeline { get; }

    public int ContextWindow { get; }

    public int MaxOutputTokens { get; }

    public double Quality { get; }

    /// <summary>Input plus output price per token: the order of the cheapest strategy.</summary>
    public double Price { get; }

    public int Weight { get; }

    /// <summary>The moving-average latency in milliseconds; 0 until the first call, so new deployments get measured.</summary>
    public double LatencyMs => BitConverter.Int64BitsToDouble(Volatile.Read(ref _latencyBits));

    public bool IsCooling(long now) => now < Volatile.Read(ref _coolUntil);

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
