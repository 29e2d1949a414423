using System.Numerics.Tensors;
using System.Security.Cryptography;
using Allixios.Search.Vectors;
using Xunit;

namespace Allixios.Testing.Search;

/// <summary>
/// What every <see cref="IVectorIndex"/> must do, run against the in-memory index (unit tests) and the pgvector index
/// (integration tests), so that the embedded default and production give the same answers.
/// </summary>
public abstract class VectorIndexConformance : IAsyncLifetime
{
    private IVectorIndex? _index;

    /// <summary>The index under test.</summary>
    protected IVectorIndex Index => _index ?? throw new InvalidOperationException("The index is created in InitializeAsync, before each test.");

    /// <summary>A tenant of this test only, so tests may share a store.</summary>
    protected string TenantA { get; } = "ta-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    /// <summary>Another tenant of this test only.</summary>
    protected string TenantB { get; } = "tb-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    /// <summary>Creates the index under test.</summary>
    protected abstract Task<IVectorIndex> CreateIndexAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _index = await CreateIndexAsync();

    /// <inheritdoc />
    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_documents_stored_vector_reads_back_in_its_direction_and_only_for_its_tenant()
    {
        await Index.UpsertAsync(TenantA, "docs", [R("east", 3, 0, 0), R("north-east", 1, 1, 0)]);

        var read = await Index.GetVectorAsync(TenantA, "docs", "north-east");
        var missing = await Index.GetVectorAsync(TenantA, "docs", "west");
        var otherTenant = await Index.GetVectorAsync(TenantB, "docs", "north-east");
        var otherIndex = await Index.GetVectorAsync(TenantA, "other", "north-east");

        Assert.NotNull(read);
        Assert.Equal(3, read.Value.Length);
        var cosine = TensorPrimitives.CosineSimilarity(read.Value.Span, new float[] { 1, 1, 0 });
        Assert.True(cosine > 0.9999f, $"cosine {cosine}");
        Assert.Null(missing);
        Assert.Null(otherTenant);
        Assert.Null(otherIndex);
    }

    [Fact]
    public async Task The_nearest_come_first_with_their_cosine_similarity()
    {
        await Index.UpsertAsync(TenantA, "docs", [R("east", 1, 0, 0), R("north-east", 1, 1, 0), R("north", 0, 2, 0), R("west", -3, 0, 0)]);

        var matches = await Index.SearchAsync(TenantA, "docs", new VectorQuery(new float[] { 2, 0.2f, 0 }) { TopK = 3 });

        Assert.Equal(["east", "north-east", "north"], matches.Select(m => m.DocumentId));
        Assert.Equal(Cosine([2, 0.2f, 0], [1, 0, 0]), matches[0].Score, 4);
        Assert.Equal(Cosine([2, 0.2f, 0], [1, 1, 0]), matches[1].Score, 4);
        Assert.Equal(Cosine([2, 0.2f, 0], [0, 2, 0]), matches[2].Score, 4);
    }

    [Fact]
    public async Task Upserting_a_document_again_replaces_its_vector()
    {
        await Index.UpsertAsync(TenantA, "docs", [R("a", 1, 0), R("b", 0, 1)]);
        await Index.UpsertAsync(TenantA, "docs", [R("a", 0, 1)]);

        var matches = await Index.SearchAsync(TenantA, "docs", new VectorQuery(new float[] { 1, 0 }) { TopK = 5 });

        Assert.Equal(2, matches.Count);
        Assert.Equal(0, matches[0].Score, 4);
        Assert.Equal(0, matches[1].Score, 4);
    }

    [Fact]
    public async Task Deleting_removes_the_named_documents_and_counts_only_those_that_were_there()
    {
        await Index.UpsertAsync(TenantA, "docs", [R("a", 1, 0), R("b", 0, 1), R("c", 1, 1)]);

        Assert.Equal(2, await Index.DeleteAsync(TenantA, "docs", ["a", "c", "never-there"]));

        Assert.Equal(["b"], (await Index.SearchAsync(TenantA, "docs", new VectorQuery(new float[] { 1, 0 }))).Select(m => m.DocumentId));
        Assert.Equal(0, await Index.DeleteAsync(TenantA, "docs", ["a"]));
        Assert.Equal(0, await Index.DeleteAsync(TenantA, "no-such-index", ["b"]));
    }

    [Fact]
    public async Task A_tenant_never_sees_changes_or_counts_another_tenants_vectors()
    {
        await Index.UpsertAsync(TenantA, "docs", [R("secret", 1, 0, 0)]);

        Assert.Empty(await Index.SearchAsync(TenantB, "docs", new VectorQuery(new float[] { 1, 0, 0 })));
        Assert.Null(await Index.GetDimensionsAsync(TenantB, "docs"));
        Assert.Equal(0, await Index.DeleteAsync(TenantB, "docs", ["secret"]));
        Assert.Equal(0, await Index.DropIndexAsync(TenantB, "docs"));

        // Tenant B's index of the same name is its own, of its own dimension.
        await Index.UpsertAsync(TenantB, "docs", [R("mine", 1, 0)]);
        Assert.Equal(["mine"], (await Index.SearchAsync(TenantB, "docs", new VectorQuery(new float[] { 1, 0 }))).Select(m => m.DocumentId));
        Assert.Equal(["secret"], (await Index.SearchAsync(TenantA, "docs", new VectorQuery(new float[] { 1, 0, 0 }))).Select(m => m.DocumentId));
        Assert.Equal(3, await Index.GetDimensionsAsync(TenantA, "docs"));
    }

    [Fact]
    public async Task A_tenant_with_few_vectors_among_many_of_another_still_gets_all_its_nearest()
    {
        var random = new Random(7);
        await Index.UpsertAsync(TenantA, "docs", [.. Enumerable.Range(0, 400).Select(i => new VectorRecord($"a{i}", RandomVector(random, 384)))]);
        await Index.UpsertAsync(TenantB, "docs", [.. Enumerable.Range(0, 5).Select(i => new VectorRecord($"b{i}", RandomVector(random, 384)))]);

        var matches = await Index.SearchAsync(TenantB, "docs", new VectorQuery(RandomVector(random, 384)) { TopK = 10 });

        Assert.Equal(["b0", "b1", "b2", "b3", "b4"], matches.Select(m => m.DocumentId).Order());
    }

    [Fact]
    public async Task The_top_k_of_a_few_hundred_vectors_is_the_exact_top_k()
    {
        var random = new Random(11);
        var records = Enumerable.Range(0, 300).Select(i => new VectorRecord($"d{i:000}", RandomVector(random, 384))).ToArray();
        await Index.UpsertAsync(TenantA, "docs", records);
        var query = RandomVector(random, 384);

        var matches = await Index.SearchAsync(TenantA, "docs", new VectorQuery(query) { TopK = 10 });

        var exact = records.OrderByDescending(r => Cosine(r.Vector.Span, query.Span)).Take(10).Select(r => r.DocumentId);
        Assert.Equal(exact, matches.Select(m => m.DocumentId));
        Assert.True(matches.Zip(matches.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public async Task A_query_limited_to_given_documents_ranks_only_those()
    {
        await Index.UpsertAsync(TenantA, "docs", [R("a", 1, 0), R("b", 0.9f, 0.1f), R("c", 0, 1), R("d", -1, 0)]);

        var matches = await Index.SearchAsync(TenantA, "docs", new VectorQuery(new float[] { 1, 0 }) { DocumentIds = ["d", "c", "unknown"] });

        Assert.Equal(["c", "d"], matches.Select(m => m.DocumentId));
        Assert.Empty(await Index.SearchAsync(TenantA, "docs", new VectorQuery(new float[] { 1, 0 }) { DocumentIds = [] }));
    }

    [Fact]
    public async Task Each_index_has_its_own_dimension_fixed_by_its_vectors()
    {
        await Index.UpsertAsync(TenantA, "small", [R("a", 1, 0)]);
        await Index.UpsertAsync(TenantA, "large", [R("a", 1, 0, 0, 0)]);

        Assert.Equal(2, await Index.GetDimensionsAsync(TenantA, "small"));
        Assert.Equal(4, await Index.GetDimensionsAsync(TenantA, "large"));
        var error = await Assert.ThrowsAsync<AllixiosException>(() => Index.UpsertAsync(TenantA, "small", [R("b", 1, 0, 0)]).AsTask());
        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("2 dimensions", error.Message, StringComparison.Ordinal);
        var query = await Assert.ThrowsAsync<AllixiosException>(() => Index.SearchAsync(TenantA, "large", new VectorQuery(new float[] { 1, 0 })).AsTask());
        Assert.Equal("dimension_mismatch", query.Reason);
    }

    [Fact]
    public async Task A_dropped_or_emptied_index_takes_the_dimension_of_its_next_vectors()
    {
        await Index.UpsertAsync(TenantA, "docs", [R("a", 1, 0), R("b", 0, 1)]);
        Assert.Equal(2, await Index.DropIndexAsync(TenantA, "docs"));
        Assert.Null(await Index.GetDimensionsAsync(TenantA, "docs"));
        Assert.Empty(await Index.SearchAsync(TenantA, "docs", new VectorQuery(new float[] { 1, 0 })));

        await Index.UpsertAsync(TenantA, "docs", [R("c", 1, 0, 0)]);
        Assert.Equal(3, await Index.GetDimensionsAsync(TenantA, "docs"));
        await Index.DeleteAsync(TenantA, "docs", ["c"]);
        await Index.UpsertAsync(TenantA, "docs", [R("d", 1, 0, 0, 0)]);
        Assert.Equal(4, await Index.GetDimensionsAsync(TenantA, "docs"));
    }

    [Fact]
    public async Task A_search_of_an_index_the_tenant_does_not_have_finds_nothing()
        => Assert.Empty(await Index.SearchAsync(TenantA, "nothing-here", new VectorQuery(new float[] { 1, 0 })));

    [Theory]
    [InlineData(0)]
    [InlineData(10_000)]
    public async Task A_top_k_out_of_range_is_refused(int topK)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => Index.SearchAsync(TenantA, "docs", new VectorQuery(new float[] { 1, 0 }) { TopK = topK }).AsTask());
        Assert.Equal("invalid_top_k", error.Reason);
    }

    [Theory]
    [InlineData("x'; DROP TABLE search_vectors; --")]
    [InlineData("Docs")]
    [InlineData("")]
    public async Task An_index_name_outside_the_allowed_characters_is_refused(string name)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => Index.UpsertAsync(TenantA, name, [R("a", 1)]).AsTask());
        Assert.Equal("invalid_index_name", error.Reason);
    }

    [Fact]
    public async Task Bad_vectors_and_batches_are_refused_with_what_to_fix()
    {
        async Task<string> Reason(IReadOnlyCollection<VectorRecord> records)
            => (await Assert.ThrowsAsync<AllixiosException>(() => Index.UpsertAsync(TenantA, "docs", records).AsTask())).Reason;

        Assert.Equal("invalid_batch", await Reason([]));
        Assert.Equal("duplicate_document", await Reason([R("a", 1, 0), R("a", 0, 1)]));
        Assert.Equal("invalid_vector", await Reason([R("a", 0, 0)]));
        Assert.Equal("invalid_vector", await Reason([R("a", float.NaN, 1)]));
        Assert.Equal("invalid_vector", await Reason([new VectorRecord("a", ReadOnlyMemory<float>.Empty)]));
        Assert.Equal("dimension_mismatch", await Reason([R("a", 1, 0), R("b", 1, 0, 0)]));
        Assert.Equal("invalid_document_id", await Reason([R(string.Empty, 1)]));
        Assert.Equal("invalid_document_id", await Reason([R(new string('x', 257), 1)]));
        var tenant = await Assert.ThrowsAsync<AllixiosException>(() => Index.UpsertAsync(" ", "docs", [R("a", 1)]).AsTask());
        Assert.Equal("tenant_required", tenant.Reason);

        // Nothing of a refused batch was stored.
        Assert.Null(await Index.GetDimensionsAsync(TenantA, "docs"));
    }

    [Fact]
    public async Task Document_ids_with_quotes_and_query_metacharacters_are_stored_as_given()
    {
        string[] ids = ["it's", "a&b|c!d:*()", "中文", "--"];
        await Index.UpsertAsync(TenantA, "docs", [.. ids.Select((id, i) => R(id, 1, i))]);

        var matches = await Index.SearchAsync(TenantA, "docs", new VectorQuery(new float[] { 1, 0 }) { TopK = 10, DocumentIds = ids });

        Assert.Equal(ids.Order(StringComparer.Ordinal), matches.Select(m => m.DocumentId).Order(StringComparer.Ordinal));
        Assert.Equal(4, await Index.DeleteAsync(TenantA, "docs", ids));
    }

    private static VectorRecord R(string id, params float[] vector) => new(id, vector);

    private static ReadOnlyMemory<float> RandomVector(Random random, int dimensions)
        => Enumerable.Range(0, dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

    private static double Cosine(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => TensorPrimitives.CosineSimilarity(x, y);
}
