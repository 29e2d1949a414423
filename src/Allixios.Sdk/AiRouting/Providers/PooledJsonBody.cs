using System.Buffers;
using Allixios.IO;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// Reads a provider's JSON answer into one pooled buffer (<see cref="PooledReads"/>) and parses it there.
/// Buffering the content in <see cref="HttpClient"/> and then asking for its bytes copied each answer twice into fresh
/// arrays, on every routed call.
/// </summary>
internal static class PooledJsonBody
{
    /// <summary>Parses a whole UTF-8 JSON body.</summary>
    public delegate T? Parser<T>(ReadOnlySpan<byte> utf8);

    public static async Task<T?> ReadAsync<T>(HttpContent content, Parser<T> parse, CancellationToken cancellationToken)
    {
        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var (buffer, length) = await PooledReads.ReadToEndAsync(stream, content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
        try
        {
            return parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
