using System.Diagnostics;
using Allixios;
using Allixios.AiRouting;
using Allixios.AiRouting.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the AI router to Allixios.</summary>
public static class AllixiosAiRoutingBuilderExtensions
{
    /// <summary>
    /// Adds the AI router: <see cref="AiRouter"/>, also registered as the <see cref="IChatClient"/> and the
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings (unless the app registered its own), the
    /// <see cref="AiModelCatalog"/> and the typed provider clients. Provider calls go through one named
    /// <see cref="HttpClient"/> (<see cref="AiProviderClients.HttpClientName"/>) whose resilience handler (the first
    /// attempt sent directly, a failed one handed to a Polly pipeline) retries 408, 429, 5xx, broken connections and
    /// attempt timeouts with exponential backoff and jitter, waiting out a
    /// <c>Retry-After</c> up to <see cref="AiRoutingOptions.MaxRetryDelay"/> (a longer one fails over at once). Each
    /// deployment's circuit breaker lives in the router. Options are checked at start. Calling it again adds nothing
    /// twice but applies <paramref name="configure"/>. It also adds budgets and the usage ledger (<c>AddUsage</c>): calls
    /// that name a tenant reserve their maximum cost and are recorded.
    /// </summary>
    public static IAllixiosBuilder AddAiRouting(this IAllixiosBuilder builder, Action<AiRoutingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<AiRoutingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(s => s.ServiceType == typeof(AiRouter)))
        {
            return builder;
        }

        // Routed calls are budgeted and recorded, so the router needs the budgets and the ledger.
        builder.AddUsage();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AiModelCatalog>();
        services.TryAddSingleton<AiProviderClients>();
        services.TryAddSingleton<AiRouter>();
        services.TryAddSingleton<IChatClient>(sp => sp.GetRequiredService<AiRouter>());
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<AiRouter>());
        services.AddHttpClient(AiProviderClients.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(static sp => new SocketsHttpHandler
            {
                // The router keeps its provider clients for its lifetime; connections are recycled instead, so DNS changes are seen.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                // A provider API answers where it is asked. Following a redirect would turn a POST into a GET (301, 302)
                // and drop the API key; a misconfigured base address should fail with the provider's status instead.
                AllowAutoRedirect = false,
                // Without a propagator the handler chain has no diagnostics layer: no trace context leaves for the
                // provider and no client span is started (AiRoutingOptions.PropagateTraceContext).
                ActivityHeadersPropagator = sp.GetRequiredService<IOptions<AiRoutingOptions>>().Value.PropagateTraceContext
                    ? DistributedContextPropagator.Current
                    : null,
            })
            // The factory's two logging handlers (a log scope and start/end lines per request) are two more async
            // layers on every provider call, for lines the router's own metrics and usage ledger already carry
            // (deployment, outcome, latency); failures surface as AiProviderException.
            .RemoveAllLoggers()
            // Retry and attempt timeout: the first attempt is sent directly and only a failed one enters the Polly
            // pipeline, so a healthy call skips its layers (see AiProviderResilienceHandler).
            .AddHttpMessageHandler(static sp => new AiProviderResilienceHandler(
                sp.GetRequiredService<IOptions<AiRoutingOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()));
        return builder;
    }
}
