using System.Text.Json;
using System.Text.Json.Serialization;
using Allixios.AiRouting.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Refit;

namespace Allixios.AiRouting;

/// <summary>
/// Makes the typed provider clients for each configured provider: a Refit client over an <see cref="HttpClient"/> from
/// the factory (named <see cref="HttpClientName"/>, which carries the retry and timeout handler), with the provider's base
/// address and credentials, wrapped as an <see cref="IChatClient"/> or <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.
/// </summary>
public sealed class AiProviderClients
{
    /// <summary>The name of the <see cref="HttpClient"/> every provider call goes through.</summary>
    public const string HttpClientName = "Allixios.AiRouting";

    private static readonly RefitSettings Settings = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    }));

    private readonly IHttpClientFactory _httpClients;
    private readonly AiRoutingOptions _options;

    /// <summary>Creates the factory.</summary>
    public AiProviderClients(IHttpClientFactory httpClients, IOptions<AiRoutingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(options);
        _httpClients = httpClients;
        _options = options.Value;
    }

    /// <summary>A chat client for a configured provider.</summary>
    /// <param name="provider">The provider's name in <see cref="AiRoutingOptions.Providers"/>.</param>
    /// <param name="defaultMaxTokens">The output bound sent to Anthropic when a call names none.</param>
    public IChatClient CreateChatClient(string provider, int defaultMaxTokens = 4096)
    {
        var settings = Provider(provider);
        var http = CreateHttpClient(settings);
        return settings.Kind switch
        {
            AiProviderKind.Anthropic => new AnthropicChatClient(RestService.For<IAnthropicApi>(http, Settings), provider, defaultMaxTokens, settings.BaseAddress),
            _ => new OpenAiChatClient(RestService.For<IOpenAiApi>(http, Settings), http, provider, settings.BaseAddress),
        };
    }

    /// <summary>An embedding generator for a configured provider, or <see langword="null"/> when its protocol has no embeddings (Anthropic).</summary>
    /// <param name="provider">The provider's name in <see cref="AiRoutingOptions.Providers"/>.</param>
    public IEmbeddingGenerator<string, Embedding<float>>? CreateEmbeddingGenerator(string provider)
    {
        var settings = Provider(provider);
        return settings.Kind == AiProviderKind.OpenAi
            ? new OpenAiEmbeddingGenerator(RestService.For<IOpenAiApi>(CreateHttpClient(settings), Settings), provider, endpoint: settings.BaseAddress)
            : null;
    }

    private AiProviderOptions Provider(string provider) =>
        _options.Providers.TryGetValue(provider, out var settings)
            ? settings
            : throw AllixiosException.Invalid("unknown_provider", $"AiRouting has no provider named '{provider}'.");

    private HttpClient CreateHttpClient(AiProviderOptions settings)
    {
        var http = _httpClients.CreateClient(HttpClientName);
        http.BaseAddress = settings.BaseAddress;
        // The attempt timeout lives in the resilience handler; the client's own would cut long streams.
        http.Timeout = Timeout.InfiniteTimeSpan;
        if (settings.Kind == AiProviderKind.Anthropic)
        {
            if (!string.IsNullOrEmpty(settings.ApiKey))
            {
                AddDefaultHeader(http, settings, "x-api-key", settings.ApiKey);
            }

            AddDefaultHeader(http, settings, "anthropic-version", settings.AnthropicVersion);
        }
        else if (!string.IsNullOrEmpty(settings.ApiKey))
        {
            AddDefaultHeader(http, settings, "Authorization", "Bearer " + settings.ApiKey);
        }

        return http;
    }

    /// <summary>
    /// Adds a header every request carries, kept as the string it is: a parsed header would be copied into each request
    /// as a parsed value and formatted into a string again when it is sent.
    /// </summary>
    private static void AddDefaultHeader(HttpClient http, AiProviderOptions settings, string name, string value)
    {
        if (!http.DefaultRequestHeaders.TryAddWithoutValidation(name, value))
        {
            // AiRoutingOptions refuses such values when validated; options built in code may not have been.
            throw new InvalidOperationException($"The {name} header for the AiRouting provider at {settings.BaseAddress} cannot be sent: its value has a line break.");
        }
    }
}
