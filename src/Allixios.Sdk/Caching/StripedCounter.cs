using System.Runtime.InteropServices;

namespace Allixios.Caching;

/// <summary>
/// A counter for the memory-hit path, the hottest in the cache: an interlocked increment there costs about a sixth of
/// the whole hit on a virtual machine. Each processor adds to its own cache line without a lock; two threads that
/// share a slot at the same instant may lose an increment, so the figure may undercount slightly under heavy
/// concurrency. The <c>allixios.cache.hits</c> metric is exact.
/// </summary>
internal sealed class StripedCounter
{
    private readonly Slot[] _slots;
    private readonly int _mask;

    public StripedCounter()
    {
        var size = 1;
        while (size < Environment.ProcessorCount)
        {
            size <<= 1;
        }

        _slots = new Slot[size];
        _mask = size - 1;
    }

    public void Increment() => _slots[Thread.GetCurrentProcessorId() & _mask].Value++;

    public long Read()
    {
        long total = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            total += Volatile.Read(ref _slots[i].Value);
        }

        return total;
    }

    /// <summary>One counter alone on a 64-byte cache line, so that processors do not invalidate each other's.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct Slot
    {
        [FieldOffset(0)]
        public long Value;
    }
}
