using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Allixios.Caching;

/// <summary>
/// An exact counter for the memory-hit path, the hottest in the cache. Each thread adds to a cell of its own with a
/// plain increment: no interlocked instruction (a locked add costs a large share of the whole hit on a virtual
/// machine) and no processor-id lookup (which costs as much again there), and since a cell has one writer at a time
/// no increment is ever lost. A read sums the cells.
/// </summary>
/// <remarks>
/// Cells are kept by managed thread id, which the runtime hands out again only after a thread has ended, so a new
/// thread that gets an old id carries on the dead thread's cell and the cells stay as many as threads ever ran at
/// once. The fast path remembers one counter per thread: a thread that alternates between two counters takes the
/// locked slow path on each switch, which only happens with several caches in one process.
/// </remarks>
internal sealed class PerThreadCounter
{
    [ThreadStatic]
    private static PerThreadCounter? t_owner;

    [ThreadStatic]
    private static Cell? t_cell;

    private readonly Dictionary<int, Cell> _cells = [];

    public void Increment()
    {
        if (ReferenceEquals(t_owner, this))
        {
            t_cell!.Value++;
            return;
        }

        IncrementSlow();
    }

    public long Read()
    {
        long total = 0;
        lock (_cells)
        {
            foreach (var cell in _cells.Values)
            {
                total += Volatile.Read(ref cell.Value);
            }
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void IncrementSlow()
    {
        var id = Environment.CurrentManagedThreadId;
        Cell? cell;
        lock (_cells)
        {
            if (!_cells.TryGetValue(id, out cell))
            {
                cell = new Cell();
                _cells.Add(id, cell);
            }
        }

        t_owner = this;
        t_cell = cell;
        cell.Value++;
    }

    /// <summary>One thread's count, alone on its cache line (padded both sides), so that threads do not invalidate each other's.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private sealed class Cell
    {
        [FieldOffset(64)]
        public long Value;
    }
}
