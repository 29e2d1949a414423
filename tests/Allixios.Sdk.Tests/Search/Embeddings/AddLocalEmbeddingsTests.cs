using Allixios.Search.Embeddings;
using Allixios.Search.Vectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.Sdk.Tests.Search.Embeddings;

public sealed class AddLocalEmbeddingsTests
{
    [Fact]
    public async Task The_local_embedder_is_the_one_shared_embedding_generator()
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddLocalEmbeddings(o => o.MaxTokens = 128);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.Same(provider.GetRequiredService<MiniLmEmbeddingGenerator>(), generator);
        Assert.Equal(128, provider.GetRequiredService<MiniLmEmbeddingGenerator>().Options.MaxTokens);
        Assert.Equal(384, (await generator.GenerateAsync(["x"]))[0].Vector.Length);
    }

    [Fact]
    public void A_generator_registered_before_is_kept()
    {
        var services = new ServiceCollection();
        var other = new FixedGenerator();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(other);
        services.AddAllixios().AddLocalEmbeddings();
        using var provider = services.BuildServiceProvider();

        Assert.Same(other, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public void Out_of_range_options_fail_validation_with_the_setting_named()
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddLocalEmbeddings(o => o.BatchSize = 0);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LocalEmbeddingOptions>>().Value);
        Assert.Contains("BatchSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_vector_index_is_in_memory_by_default_and_pgvector_with_PostgreSQL()
    {
        var memory = new ServiceCollection();
        memory.AddAllixios().AddVectorIndex();
        using (var provider = memory.BuildServiceProvider())
        {
            Assert.IsType<InMemoryVectorIndex>(provider.GetRequiredService<IVectorIndex>());
        }

        var postgres = new ServiceCollection();
        postgres.AddAllixios().AddVectorIndex().UsePostgres("Host=127.0.0.1;Port=1;Username=nobody;Database=none");
        using (var provider = postgres.BuildServiceProvider())
        {
            Assert.IsType<PostgresVectorIndex>(provider.GetRequiredService<IVectorIndex>());
        }
    }

    private sealed class FixedGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
            => Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(new float[] { 1, 0 }))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
