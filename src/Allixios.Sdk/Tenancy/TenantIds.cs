using System.Text.RegularExpressions;

namespace Allixios.Tenancy;

/// <summary>The rules for tenant ids, and the id of the platform's own tenant.</summary>
public static partial class TenantIds
{
    /// <summary>The platform's own tenant, which holds the administrators' keys.</summary>
    public const string System = "system";

    /// <summary>Whether <paramref name="id"/> is a valid tenant id: 3 to 63 lower-case letters, digits and inner hyphens.</summary>
    public static bool IsValid(string? id) => id is not null && TenantIdPattern().IsMatch(id);

    /// <summary>Throws an <see cref="AllixiosException"/> that says what to fix when <paramref name="id"/> is not a valid tenant id.</summary>
    public static void Validate(string? id)
    {
        if (!IsValid(id))
        {
            throw AllixiosException.Invalid(
                "invalid_tenant_id",
                $"Tenant id '{id}' is not valid: use 3 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit (e.g. 'acme-news').");
        }
    }

    // \z, not $: .NET's $ also matches before a final newline.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();
}
