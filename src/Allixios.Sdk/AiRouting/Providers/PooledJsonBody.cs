using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Allixios.IO;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// Reads a provider's JSON answer into one pooled buffer (<see cref="PooledReads"/>) and deserializes it there.
/// Buffering the content in <see cref="HttpClient"/> and then asking for its bytes copied each answer twice into fresh
/// arrays, on every routed call.
/// </summary>
internal static class PooledJsonBody
{
    public static async Task<T?> ReadAsync<T>(HttpContent content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var (buffer, length) = await PooledReads.ReadToEndAsync(stream, content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(buffer.AsSpan(0, length), type);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
