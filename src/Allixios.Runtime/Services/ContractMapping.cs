using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Wire = Allixios.Runtime.Contracts.V1;

namespace Allixios.Runtime.Services;

/// <summary>Maps the SDK's records to the wire contract.</summary>
internal static class ContractMapping
{
    public static Wire.Tenant ToContract(this Tenancy.Tenant tenant)
    {
        var contract = new Wire.Tenant
        {
            TenantId = tenant.Id,
            DisplayName = tenant.DisplayName,
            CreateTime = Timestamp.FromDateTimeOffset(tenant.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(tenant.UpdatedAt),
        };
        Fill(contract.Limits, tenant.Limits);
        Fill(contract.Features, tenant.Features);
        return contract;
    }

    public static Wire.ApiKey ToContract(this Tenancy.ApiKey key)
    {
        var contract = new Wire.ApiKey
        {
            KeyId = key.Id,
            TenantId = key.TenantId,
            Name = key.Name,
            Prefix = key.Prefix,
            CreateTime = Timestamp.FromDateTimeOffset(key.CreatedAt),
            ExpireTime = ToTimestamp(key.ExpiresAt),
            RevokeTime = ToTimestamp(key.RevokedAt),
            LastUseTime = ToTimestamp(key.LastUsedAt),
        };
        contract.Scopes.Add(key.Scopes);
        return contract;
    }

    public static Wire.AuditEntry ToContract(this Tenancy.AuditEntry entry)
    {
        var contract = new Wire.AuditEntry
        {
            TenantId = entry.TenantId,
            Actor = entry.Actor,
            Action = entry.Action,
            Target = entry.Target,
            Time = Timestamp.FromDateTimeOffset(entry.At),
        };
        Fill(contract.Details, entry.Details);
        return contract;
    }

    private static void Fill<TValue>(MapField<string, TValue> map, IReadOnlyDictionary<string, TValue> values)
    {
        foreach (var (name, value) in values)
        {
            map[name] = value;
        }
    }

    private static Timestamp? ToTimestamp(DateTimeOffset? time) => time is null ? null : Timestamp.FromDateTimeOffset(time.Value);
}
