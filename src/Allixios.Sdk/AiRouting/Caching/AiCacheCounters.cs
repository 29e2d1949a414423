namespace Allixios.AiRouting.Caching;

/// <summary>One tenant's (or every tenant's) response-cache counts; each count moves with one interlocked add.</summary>
internal sealed class AiCacheCounters
{
    public long ExactHits;
    public long ExactMisses;
    public long SemanticHits;
    public long SemanticMisses;
    public long Stores;
    public long Skipped;
    public long ExactFalseHits;
    public long SemanticFalseHits;

    public delegate ref long Field(AiCacheCounters counters);

    /// <summary>Adds one to the field here and in <paramref name="total"/>.</summary>
    public void Add(Field field, AiCacheCounters total)
    {
        Interlocked.Increment(ref field(this));
        Interlocked.Increment(ref field(total));
    }

    public AiResponseCacheStats ToStats() => new()
    {
        ExactHits = Volatile.Read(ref ExactHits),
        ExactMisses = Volatile.Read(ref ExactMisses),
        SemanticHits = Volatile.Read(ref SemanticHits),
        SemanticMisses = Volatile.Read(ref SemanticMisses),
        Stores = Volatile.Read(ref Stores),
        Skipped = Volatile.Read(ref Skipped),
        ExactFalseHits = Volatile.Read(ref ExactFalseHits),
        SemanticFalseHits = Volatile.Read(ref SemanticFalseHits),
    };
}
