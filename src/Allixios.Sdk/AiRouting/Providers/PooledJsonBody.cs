using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// Reads a provider's JSON answer into one pooled buffer (of its announced length when there is one) and deserializes
/// it there. Buffering the content in <see cref="HttpClient"/> and then asking for its bytes copied each answer twice
/// into fresh arrays, on every routed call.
/// </summary>
internal static class PooledJsonBody
{
    private const int UnannouncedLength = 16 * 1024;

    // A larger announced length is not trusted up front: the buffer grows as the bytes arrive.
    private const long MaxPresized = 64L * 1024 * 1024;

    public static async Task<T?> ReadAsync<T>(HttpContent content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        // One byte more than announced, so a body of exactly that length ends with a read of 0 rather than a resize.
        var buffer = ArrayPool<byte>.Shared.Rent(content.Headers.ContentLength is > 0 and < MaxPresized and var length ? (int)length + 1 : UnannouncedLength);
        try
        {
            using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var filled = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += read;
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return JsonSerializer.Deserialize(buffer.AsSpan(0, filled), type);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
