using Allixios.Tenancy;
using Xunit;

namespace Allixios.Testing.Tenancy;

/// <summary>
/// Compares tenancy records by value. The records hold lists and dictionaries, which record equality compares by
/// reference, and a store returns its own copies.
/// </summary>
public static class TenancyAssert
{
    /// <summary>Asserts that <paramref name="actual"/> is <paramref name="expected"/> in every field.</summary>
    public static void Equal(Tenant expected, Tenant? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.DisplayName, actual.DisplayName);
        Assert.Equal(Sorted(expected.Limits), Sorted(actual.Limits));
        Assert.Equal(Sorted(expected.Features), Sorted(actual.Features));
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
    }

    /// <summary>Asserts that <paramref name="actual"/> is <paramref name="expected"/> in every field.</summary>
    public static void Equal(ApiKey expected, ApiKey? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.TenantId, actual.TenantId);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Scopes, actual.Scopes);
        Assert.Equal(expected.Prefix, actual.Prefix);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
        Assert.Equal(expected.RevokedAt, actual.RevokedAt);
        Assert.Equal(expected.LastUsedAt, actual.LastUsedAt);
    }

    /// <summary>Asserts that <paramref name="actual"/> is <paramref name="expected"/> in every field.</summary>
    public static void Equal(AuditEntry expected, AuditEntry? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.TenantId, actual.TenantId);
        Assert.Equal(expected.Actor, actual.Actor);
        Assert.Equal(expected.Action, actual.Action);
        Assert.Equal(expected.Target, actual.Target);
        Assert.Equal(expected.At, actual.At);
        Assert.Equal(Sorted(expected.Details), Sorted(actual.Details));
    }

    /// <summary>Asserts that the call fails with an <see cref="AllixiosException"/> of <paramref name="kind"/>, and returns it.</summary>
    public static async Task<AllixiosException> FailsAsync(AllixiosErrorKind kind, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(call);
        Assert.Equal(kind, error.Kind);
        return error;
    }

    private static List<KeyValuePair<string, T>> Sorted<T>(IReadOnlyDictionary<string, T> values)
        => [.. values.OrderBy(v => v.Key, StringComparer.Ordinal)];
}
