using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.ObjectPool;
using Polly;
using Polly.Timeout;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// The retry and attempt timeout of every provider call (the <see cref="AiProviderClients.HttpClientName"/> client):
/// 408, 429, 5xx, broken connections and attempt timeouts are retried up to <see cref="AiRoutingOptions.MaxRetries"/>
/// times with exponential backoff and jitter from <see cref="AiRoutingOptions.RetryDelay"/>, waiting out a
/// <c>Retry-After</c> up to <see cref="AiRoutingOptions.MaxRetryDelay"/> (a longer one is not slept through: that
/// response goes back to the router, which falls over); each attempt is cut after
/// <see cref="AiRoutingOptions.AttemptTimeout"/> with a <see cref="TimeoutRejectedException"/>.
/// </summary>
/// <remarks>
/// The first attempt is sent here directly, under its own timeout; only an answer that is not a success (or a failure)
/// goes on to the Polly pipeline of retry and timeout, which starts from that outcome as its first attempt's, so it
/// decides, waits and retries exactly as it would have had it sent the first attempt itself. The healthy call, nearly
/// every call, thus skips the dozen async layers of a resilience pipeline (and the registry's execution tracking and
/// per-call telemetry of <c>AddResilienceHandler</c>), which were a tenth of the runtime's CPU per AI call. Retries,
/// timeouts and their telemetry (Polly's log events) are Polly's as before.
/// </remarks>
internal sealed class AiProviderResilienceHandler : DelegatingHandler
{
    // First attempts on the system clock reuse their timeout's token source, and with it its timer: a new one per call
    // created and queued a timer on every provider call. Sized for many calls in flight; a fake clock (tests) gets a new
    // source each time, as the pool's reset timers run on the system clock.
    private static readonly ObjectPool<CancellationTokenSource> TimeoutSources = new DefaultObjectPool<CancellationTokenSource>(new TimeoutSourcePolicy(), maximumRetained: 1024);

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeSpan _attemptTimeout;
    private readonly TimeProvider _time;

    public AiProviderResilienceHandler(AiRoutingOptions options, TimeProvider time, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _attemptTimeout = options.AttemptTimeout;
        _time = time;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "allixios-ai", TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            var maxDelay = options.MaxRetryDelay;
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                MaxDelay = maxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // Retry-After is honoured here rather than by the built-in switch, so that a wait longer than
                // MaxRetryDelay is not slept through: that response goes back to the router, which falls over.
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome) && !(RetryAfter(args.Outcome.Result) > maxDelay)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            });
        }

        _pipeline = builder
            .AddTimeout(options.AttemptTimeout)
            .ConfigureTelemetry(loggerFactory ?? NullLoggerFactory.Instance)
            .Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The first attempt, under the attempt timeout as the pipeline's timeout strategy makes it: a timeout (not the
        // caller's cancellation) becomes a TimeoutRejectedException. Made here rather than in a method of its own, so
        // the healthy call has one async layer in this handler.
        Outcome<HttpResponseMessage> first;
        var pooled = _time == TimeProvider.System;
        var timeout = pooled ? TimeoutSources.Get() : new CancellationTokenSource(_attemptTimeout, _time);
        if (pooled)
        {
            timeout.CancelAfter(_attemptTimeout);
        }

        try
        {
            // Unregistered before the source is reset for the next call (the end of this block comes before finally).
            using var link = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeout);
            var response = await base.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            first = Outcome.FromResult(response);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            first = Outcome.FromException<HttpResponseMessage>(
                new TimeoutRejectedException($"The operation didn't complete within the allowed timeout of '{_attemptTimeout}'.", _attemptTimeout, e));
        }
        catch (Exception e)
        {
            first = Outcome.FromException<HttpResponseMessage>(e);
        }
        finally
        {
            if (pooled)
            {
                TimeoutSources.Return(timeout);
            }
            else
            {
                timeout.Dispose();
            }
        }

        return await RetryAsync(request, first, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a first attempt that did not succeed: the pipeline takes over, its first attempt being that one.</summary>
    private async Task<HttpResponseMessage> RetryAsync(HttpRequestMessage request, Outcome<HttpResponseMessage> first, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (context, state) =>
                {
                    if (state.First.Take() is { } made)
                    {
                        return made;
                    }

                    try
                    {
                        return Outcome.FromResult(await state.Handler.BaseSendAsync(state.Request, context.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<HttpResponseMessage>(e);
                    }
                },
                context,
                (Handler: this, Request: request, First: new FirstAttempt(first))).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> BaseSendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);

    private static TimeSpan? RetryAfter(HttpResponseMessage? response) => response?.Headers.RetryAfter?.Delta;

    /// <summary>Keeps a token source that can be reset (its timer stopped, never cancelled); one that was cancelled is disposed.</summary>
    private sealed class TimeoutSourcePolicy : PooledObjectPolicy<CancellationTokenSource>
    {
        public override CancellationTokenSource Create() => new();

        public override bool Return(CancellationTokenSource source)
        {
            if (source.TryReset())
            {
                return true;
            }

            source.Dispose();
            return false;
        }
    }

    /// <summary>The first attempt's outcome, handed to the pipeline's first callback once.</summary>
    private sealed class FirstAttempt(Outcome<HttpResponseMessage> outcome)
    {
        private Outcome<HttpResponseMessage>? _outcome = outcome;

        public Outcome<HttpResponseMessage>? Take()
        {
            var taken = _outcome;
            _outcome = null;
            return taken;
        }
    }
}
