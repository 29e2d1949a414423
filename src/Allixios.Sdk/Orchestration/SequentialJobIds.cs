namespace Allixios.Orchestration;

/// <summary>
/// Job ids: UUIDv7 (time-ordered) that also increase within one millisecond from one generator, one per
/// <see cref="JobClient"/> (RFC 9562 §6.2, method 2: the previous id's random part plus one). <see cref="Guid.CreateVersion7(DateTimeOffset)"/> alone draws the bits
/// after the millisecond at random, so jobs enqueued one after another in the same millisecond listed newest-first in
/// an arbitrary order.
/// </summary>
internal sealed class SequentialJobIds
{
    private readonly Lock _gate = new();
    private Guid _last;
    private long _lastMillisecond = long.MinValue;

    public Guid Next(DateTimeOffset now)
    {
        var candidate = Guid.CreateVersion7(now);
        var millisecond = now.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            // Only within the same millisecond: a clock set elsewhere (another TimeProvider) must not drag later ids along.
            _last = millisecond == _lastMillisecond && candidate.CompareTo(_last) <= 0 ? Increment(_last) : candidate;
            _lastMillisecond = millisecond;
            return _last;
        }
    }

    private static Guid Increment(Guid id)
    {
        // Bytes 9 to 15 are random bits only (byte 8 holds the variant); 56 bits do not overflow within a millisecond.
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        for (var i = 15; i >= 9 && ++bytes[i] == 0; i--)
        {
        }

        return new Guid(bytes, bigEndian: true);
    }
}
