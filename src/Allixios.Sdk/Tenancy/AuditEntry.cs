namespace Allixios.Tenancy;

/// <summary>One line of the audit log: who did what to which thing, when.</summary>
/// <param name="TenantId">The tenant the action concerns.</param>
/// <param name="Actor">Who did it: an API key id (<c>key_…</c>), <c>system</c>, or a name given by an embedding app.</param>
/// <param name="Action">What was done, dot-separated, e.g. <c>api_key.revoke</c>.</param>
/// <param name="Target">What it was done to, e.g. the key id.</param>
/// <param name="At">When it was done.</param>
/// <param name="Details">Further facts as name/value pairs; never secrets.</param>
public sealed record AuditEntry(
    string TenantId,
    string Actor,
    string Action,
    string Target,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string> Details);
