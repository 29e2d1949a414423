namespace Allixios.Caching;

/// <summary>The answer of <see cref="IAllixiosCache.TryGetAsync{T}"/>: whether a fresh value was found, and the value.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Found">Whether a fresh value was found.</param>
/// <param name="Value">The value when <paramref name="Found"/>; else the default of <typeparamref name="T"/>.</param>
public readonly record struct CacheLookup<T>(bool Found, T? Value);
