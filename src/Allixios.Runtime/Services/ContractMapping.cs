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
        foreach (var (name, value) in tenant.Limits)
        {
            contract.Limits[name] = value;
        }

        foreach (var (name, on) in tenant.Features)
        {
            contract.Features[name] = on;
        }

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
        foreach (var (name, value) in entry.Details)
        {
            contract.Details[name] = value;
        }

        return contract;
    }

    private static Timestamp? ToTimestamp(DateTimeOffset? time) => time is null ? null : Timestamp.FromDateTimeOffset(time.Value);
}
