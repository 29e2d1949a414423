using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace Allixios.Search.Vectors;

/// <summary>
/// The embedded default <see cref="IVectorIndex"/>: vectors in process memory, searched exactly (every vector of the
/// index is compared). Vectors are kept unit-length, so cosine similarity is one dot product. Thread-safe.
/// </summary>
public sealed class InMemoryVectorIndex : IVectorIndex
{
    private readonly ConcurrentDictionary<(string Tenant, string Index), IndexState> _indexes = new();

    /// <inheritdoc />
    public ValueTask UpsertAsync(string tenantId, string indexName, IReadOnlyCollection<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        var dimensions = VectorIndexInput.Records(records);
        cancellationToken.ThrowIfCancellationRequested();
        var normalized = records.Select(r => (r.DocumentId, Vector: Normalize(r.Vector.Span))).ToArray();
        while (true)
        {
            var state = _indexes.GetOrAdd((tenantId, indexName), _ => new IndexState(dimensions));
            lock (state)
            {
                if (state.Removed)
                {
                    continue;
                }

                if (state.Vectors.Count == 0)
                {
                    state.Dimensions = dimensions;
                }

                VectorIndexInput.SameDimensions(state.Dimensions, dimensions, "the batch");
                foreach (var (documentId, vector) in normalized)
                {
                    state.Vectors[documentId] = vector;
                }

                return ValueTask.CompletedTask;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteAsync(string tenantId, string indexName, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        VectorIndexInput.DocumentIds(documentIds);
        if (!_indexes.TryGetValue((tenantId, indexName), out var state))
        {
            return ValueTask.FromResult(0);
        }

        lock (state)
        {
            return ValueTask.FromResult(documentIds.Distinct(StringComparer.Ordinal).Count(state.Vectors.Remove));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> DropIndexAsync(string tenantId, string indexName, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        if (!_indexes.TryRemove((tenantId, indexName), out var state))
        {
            return ValueTask.FromResult(0);
        }

        lock (state)
        {
            // An upsert that fetched this state before the removal sees the mark and starts over on a new one.
            state.Removed = true;
            return ValueTask.FromResult(state.Vectors.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask<int?> GetDimensionsAsync(string tenantId, string indexName, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        if (!_indexes.TryGetValue((tenantId, indexName), out var state))
        {
            return ValueTask.FromResult<int?>(null);
        }

        lock (state)
        {
            return ValueTask.FromResult<int?>(state.Vectors.Count == 0 ? null : state.Dimensions);
        }
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<float>?> GetVectorAsync(string tenantId, string indexName, string documentId, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        VectorIndexInput.DocumentId(documentId);
        if (!_indexes.TryGetValue((tenantId, indexName), out var state))
        {
            return ValueTask.FromResult<ReadOnlyMemory<float>?>(null);
        }

        lock (state)
        {
            // A copy: the stored array is replaced, never changed, but callers must not be able to change it either.
            return ValueTask.FromResult(state.Vectors.TryGetValue(documentId, out var vector) ? new ReadOnlyMemory<float>(vector.ToArray()) : (ReadOnlyMemory<float>?)null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(string tenantId, string indexName, VectorQuery query, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        VectorIndexInput.Query(query);
        if (!_indexes.TryGetValue((tenantId, indexName), out var state))
        {
            return ValueTask.FromResult<IReadOnlyList<VectorMatch>>([]);
        }

        var target = Normalize(query.Vector.Span);

        // A min-heap of the best k so far: its root is the weakest match kept, the one a better candidate replaces.
        var best = new PriorityQueue<VectorMatch, VectorMatch>(query.TopK + 1, WeakestFirst.Instance);
        lock (state)
        {
            if (state.Vectors.Count == 0)
            {
                return ValueTask.FromResult<IReadOnlyList<VectorMatch>>([]);
            }

            VectorIndexInput.SameDimensions(state.Dimensions, target.Length, "the query vector");
            IEnumerable<KeyValuePair<string, float[]>> candidates = query.DocumentIds is { } ids
                ? ids.Distinct(StringComparer.Ordinal).Where(state.Vectors.ContainsKey).Select(id => new KeyValuePair<string, float[]>(id, state.Vectors[id]))
                : state.Vectors;
            foreach (var (documentId, vector) in candidates)
            {
                var match = new VectorMatch(documentId, TensorPrimitives.Dot<float>(vector, target));
                best.Enqueue(match, match);
                if (best.Count > query.TopK)
                {
                    best.Dequeue();
                }
            }
        }

        var matches = new VectorMatch[best.Count];
        for (var i = matches.Length - 1; i >= 0; i--)
        {
            matches[i] = best.Dequeue();
        }

        return ValueTask.FromResult<IReadOnlyList<VectorMatch>>(matches);
    }

    private static float[] Normalize(ReadOnlySpan<float> vector)
    {
        var copy = vector.ToArray();
        TensorPrimitives.Divide(copy, TensorPrimitives.Norm<float>(copy), copy);
        return copy;
    }

    private sealed class IndexState(int dimensions)
    {
        public int Dimensions { get; set; } = dimensions;

        public bool Removed { get; set; }

        public Dictionary<string, float[]> Vectors { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Lower score first; at equal scores the later document id first, so the earlier id is kept and ranks first.</summary>
    private sealed class WeakestFirst : IComparer<VectorMatch>
    {
        public static readonly WeakestFirst Instance = new();

        public int Compare(VectorMatch? x, VectorMatch? y)
        {
            var byScore = x!.Score.CompareTo(y!.Score);
            return byScore != 0 ? byScore : string.CompareOrdinal(y.DocumentId, x.DocumentId);
        }
    }
}
