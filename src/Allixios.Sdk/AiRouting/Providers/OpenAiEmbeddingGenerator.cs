using Microsoft.Extensions.AI;
using Refit;

namespace Allixios.AiRouting.Providers;

/// <summary>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over an OpenAI-compatible <c>/embeddings</c> API.</summary>
public sealed class OpenAiEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly IOpenAiApi _api;
    private readonly string _provider;
    private readonly string? _defaultModel;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Creates the generator.</summary>
    /// <param name="api">The Refit client.</param>
    /// <param name="provider">The provider's name, for errors and metadata.</param>
    /// <param name="defaultModel">The model used when the options name none.</param>
    /// <param name="endpoint">The base address, for metadata.</param>
    public OpenAiEmbeddingGenerator(IOpenAiApi api, string provider, string? defaultModel = null, Uri? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        _api = api;
        _provider = provider;
        _defaultModel = defaultModel;
        _metadata = new EmbeddingGeneratorMetadata(provider, endpoint, defaultModel);
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var input = values as IReadOnlyList<string> ?? [.. values];
        if (input.Count == 0)
        {
            throw AllixiosException.Invalid("empty_input", "Embeddings need at least one text.");
        }

        var model = options?.ModelId is { Length: > 0 } named ? named
            : _defaultModel ?? throw AllixiosException.Invalid("model_required", "The embedding options name no ModelId and the generator has no default model.");
        IApiResponse<OpenAiWire.EmbeddingResponse> response;
        try
        {
            response = await _api.EmbedAsync(new OpenAiWire.EmbeddingRequest { Model = model, Input = input, Dimensions = options?.Dimensions }, cancellationToken);
        }
        catch (Exception ex) when (ProviderErrors.IsTransport(ex, cancellationToken))
        {
            throw ProviderErrors.FromTransport(_provider, ex, cancellationToken);
        }

        using (response)
        {
            if (!response.IsSuccessful || response.Content is null)
            {
                throw ProviderErrors.FromApiResponse(_provider, response, cancellationToken);
            }

            var data = response.Content?.Data;
            if (data is null || data.Count != input.Count)
            {
                throw new AiProviderException(AiFailureKind.Unavailable, _provider, $"{_provider} returned {data?.Count ?? 0} embeddings for {input.Count} texts.");
            }

            var vectors = new Embedding<float>[input.Count];
            foreach (var item in data)
            {
                if (item.Index < 0 || item.Index >= vectors.Length || item.Embedding is null)
                {
                    throw new AiProviderException(AiFailureKind.Unavailable, _provider, $"{_provider} returned an embedding with index {item.Index} for {input.Count} texts.");
                }

                vectors[item.Index] = new Embedding<float>(item.Embedding) { ModelId = response.Content!.Model ?? model };
            }

            return new GeneratedEmbeddings<Embedding<float>>(vectors)
            {
                Usage = OpenAiChatClient.Usage(response.Content!.Usage),
            };
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The HttpClient belongs to the factory that made it.
    }
}
