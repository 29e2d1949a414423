using System.Buffers;
using Allixios.IO;
using Xunit;

namespace Allixios.Sdk.Tests.IO;

public sealed class PooledReadsTests
{
    [Theory]
    [InlineData(0, null)]
    [InlineData(1_200, 1_200L)]
    [InlineData(1_200, null)]
    [InlineData(50_000, null)]
    [InlineData(50_000, 100L)]
    public async Task A_stream_is_read_whole_whatever_length_was_announced(int size, long? announced)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);

        // Read a few bytes at a time, as a socket hands them over.
        var (buffer, length) = await PooledReads.ReadToEndAsync(new TrickleStream(bytes), announced, CancellationToken.None);
        try
        {
            Assert.Equal(bytes, buffer.AsSpan(0, length).ToArray());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 700)], cancellationToken);
    }
}
