using System.Text.Json;
using System.Text.Json.Serialization;
using Allixios.N8nBridge;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the n8n REST API client.</summary>
public static partial class N8nServiceCollectionExtensions
{
    private static readonly RefitSettings Settings = new(
        new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        }),
        new N8nUrlParameterFormatter());

    /// <summary>
    /// Adds <see cref="IN8nClient"/> (and the Refit <see cref="IN8nApi"/>) with the standard resilience handler:
    /// retries with exponential backoff and jitter on 408, 429 (honouring Retry-After) and 5xx for the calls that are
    /// safe to repeat (GET, PUT, DELETE, and activate/deactivate, which end in the same state however often they run;
    /// never creating a workflow, which could create it twice), an attempt timeout of
    /// <see cref="N8nClientOptions.AttemptTimeout"/>, and a circuit breaker. Options are validated at start.
    /// </summary>
    public static IHttpClientBuilder AddN8nClient(this IServiceCollection services, Action<N8nClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptionsWithValidateOnStart<N8nClientOptions>().ValidateDataAnnotations().Configure(configure);
        services.TryAddTransient<IN8nClient, N8nClient>();
        var http = services
            .AddRefitGeneratedClient<IN8nApi>(Settings)
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<N8nClientOptions>>().Value;
                client.BaseAddress = options.BaseAddress;
                client.DefaultRequestHeaders.Add("X-N8N-API-KEY", options.ApiKey);
                client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
            });
        http.AddStandardResilienceHandler().Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
        {
            var attempt = sp.GetRequiredService<IOptions<N8nClientOptions>>().Value.AttemptTimeout;
            resilience.AttemptTimeout.Timeout = attempt;
            resilience.CircuitBreaker.SamplingDuration = attempt * 2 > resilience.CircuitBreaker.SamplingDuration ? attempt * 2 : resilience.CircuitBreaker.SamplingDuration;
            resilience.TotalRequestTimeout.Timeout = attempt * 4;
            var transient = resilience.Retry.ShouldHandle;
            resilience.Retry.ShouldHandle = args => args.Context.GetRequestMessage() is { } request && IsRepeatable(request)
                ? transient(args)
                : PredicateResult.False();
        });
        return http;
    }

    private static bool IsRepeatable(HttpRequestMessage request)
    {
        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Head)
        {
            return true;
        }

        var path = request.RequestUri?.AbsolutePath ?? string.Empty;
        return request.Method == HttpMethod.Post
            && (path.EndsWith("/activate", StringComparison.Ordinal) || path.EndsWith("/deactivate", StringComparison.Ordinal));
    }
}
