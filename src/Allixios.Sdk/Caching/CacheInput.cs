using System.Text;
using System.Text.Json;

namespace Allixios.Caching;

/// <summary>The checks on what callers hand the cache; each failure says what to fix.</summary>
internal static class CacheInput
{
    public const int MaxTagLength = 128;
    public const int MaxTagsPerEntry = 32;
    public const int MaxDependenciesPerEntry = 32;

    public static void ValidateKey(string key, int maxLength)
    {
        // The common case without a scan: a key that starts with a non-blank character cannot be blank.
        if (key is { Length: > 0 } && key.Length <= maxLength && !char.IsWhiteSpace(key[0]))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            throw AllixiosException.Invalid("cache_key_empty", "A cache key must not be empty or blank; name the entry, e.g. 'content:42'.");
        }

        if (key.Length > maxLength)
        {
            throw AllixiosException.Invalid(
                "cache_key_too_long",
                $"A cache key is {key.Length} characters long; at most {maxLength} are allowed (Allixios:Cache:MaxKeyLength). Hash the long part of the key.");
        }
    }

    public static void ValidateTag(string tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            throw AllixiosException.Invalid("cache_tag_invalid", "A cache tag must not be empty or blank; use e.g. 'content:42'.");
        }

        if (tag.Length > MaxTagLength)
        {
            throw AllixiosException.Invalid("cache_tag_invalid", $"The cache tag '{tag[..32]}…' is {tag.Length} characters long; at most {MaxTagLength} are allowed.");
        }

        foreach (var c in tag)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':' or '/'))
            {
                throw AllixiosException.Invalid(
                    "cache_tag_invalid",
                    $"The cache tag '{tag}' contains '{c}'; a tag is made of ASCII letters, digits and - _ . : / only.");
            }
        }
    }

    /// <summary>The entry's settings with the defaults filled in, after checking them.</summary>
    public static ResolvedEntryOptions Resolve(AllixiosCacheEntryOptions? entry, AllixiosCacheOptions defaults)
    {
        if (entry is null)
        {
            return ResolvedEntryOptions.From(defaults);
        }

        var expiration = Positive(entry.Expiration, nameof(entry.Expiration)) ?? defaults.DefaultExpiration;
        var local = Positive(entry.LocalExpiration, nameof(entry.LocalExpiration)) ?? defaults.DefaultLocalExpiration;
        var staleness = NotNegative(entry.MaxStaleness, nameof(entry.MaxStaleness)) ?? defaults.DefaultMaxStaleness;
        var soft = Positive(entry.FactorySoftTimeout, nameof(entry.FactorySoftTimeout)) ?? defaults.DefaultFactorySoftTimeout;
        var hard = Positive(entry.FactoryHardTimeout, nameof(entry.FactoryHardTimeout)) ?? defaults.DefaultFactoryHardTimeout;
        var threshold = entry.EagerRefreshThreshold ?? defaults.DefaultEagerRefreshThreshold;
        if (threshold != 0 && (threshold is < 0.5 or > 0.99 || double.IsNaN(threshold)))
        {
            throw AllixiosException.Invalid(
                "cache_option_invalid",
                $"EagerRefreshThreshold is {threshold}; it must be 0 (off) or from 0.5 to 0.99, the fraction of the lifetime after which a hit refreshes the entry.");
        }

        var tags = entry.Tags is { Count: > 0 } ? entry.Tags.ToArray() : null;
        if (tags is not null)
        {
            if (tags.Length > MaxTagsPerEntry)
            {
                throw AllixiosException.Invalid("cache_option_invalid", $"An entry has {tags.Length} tags; at most {MaxTagsPerEntry} are allowed.");
            }

            foreach (var tag in tags)
            {
                ValidateTag(tag);
            }
        }

        var dependsOn = entry.DependsOn is { Count: > 0 } ? entry.DependsOn.ToArray() : null;
        if (dependsOn is not null)
        {
            if (dependsOn.Length > MaxDependenciesPerEntry)
            {
                throw AllixiosException.Invalid("cache_option_invalid", $"An entry depends on {dependsOn.Length} keys; at most {MaxDependenciesPerEntry} are allowed.");
            }

            foreach (var dependency in dependsOn)
            {
                try
                {
                    ValidateKey(dependency, int.MaxValue);
                }
                catch (AllixiosException)
                {
                    throw AllixiosException.Invalid("cache_option_invalid", "DependsOn names an empty or blank key; name the keys this entry is derived from.");
                }
            }
        }

        return new ResolvedEntryOptions(expiration, local, staleness, soft, hard, threshold, tags, dependsOn);
    }

    /// <summary>Fails when <paramref name="value"/> serializes to more than <paramref name="maxBytes"/> bytes of UTF-8 JSON.</summary>
    public static void ValidateSize<T>(T value, int maxBytes)
    {
        long size = value switch
        {
            null => 4,
            string s => s.Length * 3L <= maxBytes ? 0 : Encoding.UTF8.GetByteCount(s),
            byte[] b => (b.Length + 2L) / 3 * 4,
            _ => JsonSerializer.SerializeToUtf8Bytes(value).LongLength,
        };
        if (size > maxBytes)
        {
            throw AllixiosException.Invalid(
                "cache_value_too_large",
                $"The value serializes to {size} bytes; at most {maxBytes} are allowed (Allixios:Cache:MaxValueBytes). Cache a smaller projection of it, or raise the limit.");
        }
    }

    private static TimeSpan? Positive(TimeSpan? value, string name) =>
        value is { } v && v <= TimeSpan.Zero
            ? throw AllixiosException.Invalid("cache_option_invalid", $"{name} is {v}; it must be longer than zero (leave it unset for the default).")
            : value;

    private static TimeSpan? NotNegative(TimeSpan? value, string name) =>
        value is { } v && v < TimeSpan.Zero
            ? throw AllixiosException.Invalid("cache_option_invalid", $"{name} is {v}; it must be zero (off) or longer.")
            : value;
}
