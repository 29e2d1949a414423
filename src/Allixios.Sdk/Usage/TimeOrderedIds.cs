using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Allixios.Usage;

/// <summary>
/// Version 7 UUIDs (RFC 9562: 48-bit Unix milliseconds, then 74 random bits) for the ids written on every AI call
/// (budget reservations, usage-ledger lines). <see cref="Guid.CreateVersion7(DateTimeOffset)"/> draws its random bits
/// with one read of the kernel's random device per id, a system call that cost more than the rest of a ledger write;
/// these draw the same cryptographically secure bits from a per-thread block filled by
/// <see cref="RandomNumberGenerator"/> 32 ids at a time, and lay them out exactly as it does.
/// </summary>
internal static class TimeOrderedIds
{
    private const int RandomBytesPerId = 10;
    private const int IdsPerBlock = 32;

    [ThreadStatic]
    private static byte[]? _block;

    [ThreadStatic]
    private static int _used;

    /// <summary>A new version 7 UUID stamped with <paramref name="timestamp"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is before the Unix epoch.</exception>
    public static Guid CreateVersion7(DateTimeOffset timestamp)
    {
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(timestamp));
        var block = _block;
        if (block is null || _used == IdsPerBlock)
        {
            block ??= _block = new byte[RandomBytesPerId * IdsPerBlock];
            RandomNumberGenerator.Fill(block);
            _used = 0;
        }

        var random = block.AsSpan(_used++ * RandomBytesPerId, RandomBytesPerId);
        Span<byte> bytes = stackalloc byte[16];
        // Big-endian RFC 9562 layout: unix_ts_ms (48) | ver (4) rand_a (12) | var (2) rand_b (62).
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16);
        random.CopyTo(bytes[6..]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
