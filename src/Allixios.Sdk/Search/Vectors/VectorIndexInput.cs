using System.Numerics.Tensors;
using System.Text.RegularExpressions;

namespace Allixios.Search.Vectors;

/// <summary>The checks and limits both vector indexes apply, so that their answers to bad input cannot drift apart.</summary>
internal static partial class VectorIndexInput
{
    public const int MaxDimensions = 16_000;
    public const int MaxBatch = 10_000;
    public const int MaxTopK = 1_000;
    public const int MaxDocumentIdLength = 256;

    public static void Tenant(string tenantId)
    {
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            throw AllixiosException.Invalid("tenant_required", "A tenant id is required.");
        }
    }

    public static void IndexName(string indexName)
    {
        if (indexName is null || !IndexNamePattern().IsMatch(indexName))
        {
            throw AllixiosException.Invalid(
                "invalid_index_name",
                $"Index name '{indexName}' is not valid: use 1 to 63 characters of a-z, 0-9, '_', '-' or '.', starting with a letter or digit.");
        }
    }

    public static void DocumentId(string documentId)
    {
        if (string.IsNullOrEmpty(documentId) || documentId.Length > MaxDocumentIdLength)
        {
            throw AllixiosException.Invalid("invalid_document_id", $"A document id must be 1 to {MaxDocumentIdLength} characters; got {(documentId is null ? "null" : $"{documentId.Length} characters")}.");
        }
    }

    /// <summary>Checks a batch and returns its dimension.</summary>
    public static int Records(IReadOnlyCollection<VectorRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count is 0 or > MaxBatch)
        {
            throw AllixiosException.Invalid("invalid_batch", $"Upsert 1 to {MaxBatch} vectors at a time; got {records.Count}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var dimensions = -1;
        foreach (var record in records)
        {
            if (record is null)
            {
                throw AllixiosException.Invalid("invalid_batch", "A record of the batch is null.");
            }

            DocumentId(record.DocumentId);
            if (!seen.Add(record.DocumentId))
            {
                throw AllixiosException.Invalid("duplicate_document", $"Document '{record.DocumentId}' is in the batch twice; send each document once.");
            }

            Vector(record.Vector.Span, $"document '{record.DocumentId}'");
            if (dimensions >= 0 && record.Vector.Length != dimensions)
            {
                throw AllixiosException.Invalid(
                    "dimension_mismatch", $"Document '{record.DocumentId}' has {record.Vector.Length} dimensions but the batch's first vector has {dimensions}; one index holds vectors of one dimension.");
            }

            dimensions = record.Vector.Length;
        }

        return dimensions;
    }

    public static void DocumentIds(IReadOnlyCollection<string> documentIds)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        if (documentIds.Count > MaxBatch)
        {
            throw AllixiosException.Invalid("invalid_batch", $"Name at most {MaxBatch} documents at a time; got {documentIds.Count}.");
        }

        foreach (var id in documentIds)
        {
            DocumentId(id);
        }
    }

    public static void Query(VectorQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Vector(query.Vector.Span, "the query vector");
        if (query.TopK is < 1 or > MaxTopK)
        {
            throw AllixiosException.Invalid("invalid_top_k", $"TopK must be from 1 to {MaxTopK}; got {query.TopK}.");
        }

        if (query.DocumentIds is { } ids)
        {
            DocumentIds(ids);
        }
    }

    public static void SameDimensions(int index, int given, string what)
    {
        if (index != given)
        {
            throw AllixiosException.Invalid("dimension_mismatch", $"The index holds vectors of {index} dimensions but {what} has {given}; embed it with the index's model or use another index.");
        }
    }

    private static void Vector(ReadOnlySpan<float> vector, string what)
    {
        if (vector.Length is 0 or > MaxDimensions)
        {
            throw AllixiosException.Invalid("invalid_vector", $"The vector of {what} has {vector.Length} dimensions; it must have 1 to {MaxDimensions}.");
        }

        foreach (var value in vector)
        {
            if (!float.IsFinite(value))
            {
                throw AllixiosException.Invalid("invalid_vector", $"The vector of {what} holds {value}; every value must be a finite number.");
            }
        }

        if (TensorPrimitives.Norm(vector) == 0)
        {
            throw AllixiosException.Invalid("invalid_vector", $"The vector of {what} is all zeros, which has no direction to compare by cosine.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex IndexNamePattern();
}
