using System.Buffers;

namespace Allixios.IO;

/// <summary>
/// Reads a stream whole into one array rented from <see cref="ArrayPool{T}.Shared"/>: of the announced length when there
/// is one (so a body of that length needs no resize), growing as the bytes arrive otherwise. For bodies read on every
/// call (a provider's answer, an AI request to the runtime), where a fresh array per call was measurable work.
/// </summary>
internal static class PooledReads
{
    private const int UnannouncedLength = 16 * 1024;

    // A larger announced length is not trusted up front: the buffer grows as the bytes arrive.
    private const long MaxPresized = 64L * 1024 * 1024;

    /// <summary>The bytes of <paramref name="stream"/> to its end, in a rented array the caller returns to the shared pool.</summary>
    public static async ValueTask<(byte[] Buffer, int Length)> ReadToEndAsync(Stream stream, long? announcedLength, CancellationToken cancellationToken)
    {
        // One byte more than announced, so a body of exactly that length ends with a read of 0 rather than a resize.
        var buffer = ArrayPool<byte>.Shared.Rent(announcedLength is > 0 and < MaxPresized and var length ? (int)length + 1 : UnannouncedLength);
        try
        {
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

            return (buffer, filled);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
