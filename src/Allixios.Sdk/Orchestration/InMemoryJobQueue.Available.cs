namespace Allixios.Orchestration;

// The available jobs in dispatch order, one queue per tenant and job type (see TypeQueue), so leasing the next job costs a
// pop and a dequeue that names tenants and types merges only the queues it asked for. Jobs leave the heaps lazily: a job that stops
// being available (leased, cancelled) stays in its queue as a stale item, recognised by its generation and dropped when it
// reaches the top; the live counts, which the backlog view reads, change at once. All of it is used under the gate.
public sealed partial class InMemoryJobQueue
{
    private readonly Dictionary<string, TenantAvailable> _availableByTenant = new(StringComparer.Ordinal);

    private void TrackAvailable(Entry entry, bool add)
    {
        if (add)
        {
            if (!_availableByTenant.TryGetValue(entry.TenantId, out var tenant))
            {
                _availableByTenant[entry.TenantId] = tenant = new TenantAvailable();
            }

            if (!tenant.ByType.TryGetValue(entry.Type, out var queue))
            {
                tenant.ByType[entry.Type] = queue = new TypeQueue(tenant);
            }

            entry.AvailableGeneration++;
            entry.AvailableIn = queue;
            var dispatchAt = JobAging.DispatchMoment(entry.RunAt, entry.Enqueued.Priority);
            queue.Add(entry, new DispatchKey(dispatchAt.UtcTicks, entry.Enqueued.CreatedAt.UtcTicks, entry.Sequence));
            tenant.Live++;
            return;
        }

        // The entry remembers its queue, so leaving costs no lookups.
        var own = entry.AvailableIn!;
        var owner = own.Tenant;
        entry.AvailableIn = null;
        own.Live--;
        owner.Live--;
        if (own.Live == 0)
        {
            // Whatever is left in the queue is stale.
            owner.ByType.Remove(entry.Type);
            if (owner.Live == 0)
            {
                _availableByTenant.Remove(entry.TenantId);
            }
        }
    }

    private static long AvailableCount(TenantAvailable tenant, IReadOnlyCollection<string>? types)
    {
        if (types is null)
        {
            return tenant.Live;
        }

        long count = 0;
        foreach (var type in types)
        {
            count += tenant.ByType.TryGetValue(type, out var queue) ? queue.Live : 0;
        }

        return count;
    }

    // Takes (pops) up to limit available jobs of the tenants and types asked for (none: all), in dispatch order across
    // them. They are still available when returned: the caller moves each on, which updates the live counts.
    private List<Entry> TakeAvailable(IReadOnlyCollection<string>? tenants, IReadOnlyCollection<string>? types, int limit)
    {
        var queues = new List<TypeQueue>(1);
        if (tenants is null)
        {
            foreach (var tenant in _availableByTenant.Values)
            {
                AddQueues(tenant, types, queues);
            }
        }
        else
        {
            foreach (var tenantId in tenants)
            {
                if (_availableByTenant.TryGetValue(tenantId, out var tenant))
                {
                    AddQueues(tenant, types, queues);
                }
            }
        }

        var taken = new List<Entry>(Math.Min(limit, 64));
        if (queues.Count == 1)
        {
            var only = queues[0];
            while (taken.Count < limit && only.TryPeekLive(out _))
            {
                taken.Add(only.Pop());
            }

            return taken;
        }

        while (taken.Count < limit)
        {
            TypeQueue? next = null;
            DispatchKey nextKey = default;
            foreach (var queue in queues)
            {
                if (queue.TryPeekLive(out var key) && (next is null || key.CompareTo(nextKey) < 0))
                {
                    next = queue;
                    nextKey = key;
                }
            }

            if (next is null)
            {
                break;
            }

            taken.Add(next.Pop());
        }

        return taken;
    }

    private static void AddQueues(TenantAvailable tenant, IReadOnlyCollection<string>? types, List<TypeQueue> queues)
    {
        if (types is null)
        {
            queues.AddRange(tenant.ByType.Values);
            return;
        }

        foreach (var type in types)
        {
            if (tenant.ByType.TryGetValue(type, out var queue) && !queues.Contains(queue))
            {
                queues.Add(queue);
            }
        }
    }

    // Dispatch order: earliest dispatch time (priority with aging), then earliest created, then enqueue order.
    private readonly record struct DispatchKey(long Dispatch, long Created, long Sequence) : IComparable<DispatchKey>
    {
        public int CompareTo(DispatchKey other) =>
            Dispatch != other.Dispatch ? Dispatch.CompareTo(other.Dispatch)
            : Created != other.Created ? Created.CompareTo(other.Created)
            : Sequence.CompareTo(other.Sequence);
    }

    private sealed class TenantAvailable
    {
        public Dictionary<string, TypeQueue> ByType { get; } = new(StringComparer.Ordinal);

        public long Live { get; set; }
    }

    // One tenant's available jobs of one type in dispatch order. Jobs mostly arrive in dispatch order (same priority, due
    // now): those are appended to a first-in-first-out lane at no sorting cost; one that would go before the lane's last
    // (a higher priority, an earlier due time) goes to a heap. The next job is the earlier of the two heads.
    private sealed class TypeQueue(TenantAvailable tenant)
    {
        private readonly Queue<(Entry Entry, long Generation, DispatchKey Key)> _lane = new();
        private readonly PriorityQueue<(Entry Entry, long Generation), DispatchKey> _heap = new();
        private DispatchKey _laneLast;

        public TenantAvailable Tenant { get; } = tenant;

        public long Live { get; set; }

        public void Add(Entry entry, DispatchKey key)
        {
            if (_lane.Count == 0 || key.CompareTo(_laneLast) >= 0)
            {
                _lane.Enqueue((entry, entry.AvailableGeneration, key));
                _laneLast = key;
            }
            else
            {
                _heap.Enqueue((entry, entry.AvailableGeneration), key);
            }

            Live++;
        }

        public bool TryPeekLive(out DispatchKey key)
        {
            var inLane = PeekLane(out var laneKey);
            var inHeap = PeekHeap(out var heapKey);
            key = inLane && (!inHeap || laneKey.CompareTo(heapKey) <= 0) ? laneKey : heapKey;
            return inLane || inHeap;
        }

        // After TryPeekLive returned true: takes the job it saw.
        public Entry Pop()
        {
            var inLane = PeekLane(out var laneKey);
            var inHeap = PeekHeap(out var heapKey);
            return inLane && (!inHeap || laneKey.CompareTo(heapKey) <= 0) ? _lane.Dequeue().Entry : _heap.Dequeue().Entry;
        }

        private static bool IsLive(Entry entry, long generation) =>
            entry.State == JobState.Available && entry.AvailableGeneration == generation;

        private bool PeekLane(out DispatchKey key)
        {
            while (_lane.TryPeek(out var item))
            {
                if (IsLive(item.Entry, item.Generation))
                {
                    key = item.Key;
                    return true;
                }

                _lane.Dequeue();
            }

            key = default;
            return false;
        }

        private bool PeekHeap(out DispatchKey key)
        {
            while (_heap.TryPeek(out var item, out key))
            {
                if (IsLive(item.Entry, item.Generation))
                {
                    return true;
                }

                _heap.Dequeue();
            }

            return false;
        }
    }
}
