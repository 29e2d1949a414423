namespace Allixios.Usage;

/// <summary>The answer of a rate-limit counter: whether the amount was added, and the window's count after the attempt.</summary>
/// <param name="Acquired">Whether the amount fitted under the limit and was counted.</param>
/// <param name="Used">What the window holds now (including the amount when acquired).</param>
public readonly record struct RateLimitCount(bool Acquired, long Used);
