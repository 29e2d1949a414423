using System.Globalization;
using Allixios.Runtime.Contracts.V1;
using Allixios.Usage;
using Google.Protobuf.WellKnownTypes;

namespace Allixios.Runtime.Services;

/// <summary>Between the usage and budget contracts and the SDK's types; amounts travel as invariant decimal strings.</summary>
internal static class UsageMapping
{
    private static readonly Dictionary<string, UsageDimensions> DimensionNames = new(StringComparer.Ordinal)
    {
        ["model"] = UsageDimensions.Model,
        ["provider"] = UsageDimensions.Provider,
        ["tenant"] = UsageDimensions.Tenant,
        ["api_key"] = UsageDimensions.ApiKey,
        ["job_type"] = UsageDimensions.JobType,
        ["day"] = UsageDimensions.Day,
    };

    public static decimal Amount(string text, string field) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : throw new AllixiosException(AllixiosErrorKind.InvalidArgument, $"invalid_{field}", $"'{text}' is not a valid {field.Replace('_', ' ')}: use a decimal number with a '.' point, e.g. \"25.00\".");

    public static Guid BudgetId(string text) => Guid.TryParse(text, out var id)
        ? id
        : throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_budget_id", $"'{text}' is not a budget id: use the budget_id that creating the budget returned.");

    public static Guid EntryId(string text) => Guid.TryParse(text, out var id)
        ? id
        : throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_entry_id", $"'{text}' is not a usage entry id: pass the entry_id of the last entry of the previous page.");

    public static UsageDimensions Dimensions(IEnumerable<string> names)
    {
        var dimensions = UsageDimensions.None;
        foreach (var name in names)
        {
            dimensions |= DimensionNames.TryGetValue(name, out var d)
                ? d
                : throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_group_by", $"'{name}' is not a usage dimension: use {string.Join(", ", DimensionNames.Keys)}.");
        }

        return dimensions;
    }

    public static Contracts.V1.Budget ToContract(this Usage.Budget b) => new()
    {
        BudgetId = b.Id.ToString(),
        TenantId = b.TenantId,
        ApiKeyId = b.ApiKeyId ?? string.Empty,
        Name = b.Name,
        Period = b.Period == BudgetPeriod.Day ? "day" : "month",
        Currency = b.Currency,
        Limit = Text(b.Limit),
        WarningRatio = Text(b.WarningRatio),
        Spent = Text(b.Spent),
        Reserved = Text(b.Reserved),
        Remaining = Text(b.Remaining),
        OverWarning = b.IsOverWarning,
        WindowStart = Timestamp.FromDateTimeOffset(b.WindowStart),
        WindowEnd = Timestamp.FromDateTimeOffset(b.WindowEnd),
        CreateTime = Timestamp.FromDateTimeOffset(b.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(b.UpdatedAt),
    };

    public static Contracts.V1.UsageEntry ToContract(this Usage.UsageEntry e) => new()
    {
        EntryId = e.Id.ToString(),
        TenantId = e.TenantId,
        ApiKeyId = e.ApiKeyId ?? string.Empty,
        JobId = e.JobId?.ToString() ?? string.Empty,
        JobType = e.JobType ?? string.Empty,
        Model = e.Model ?? string.Empty,
        Provider = e.Provider ?? string.Empty,
        InputTokens = e.InputTokens,
        OutputTokens = e.OutputTokens,
        Cost = Text(e.Cost),
        Currency = e.Currency,
        LatencyMs = e.Latency.TotalMilliseconds,
        Outcome = UsageOutcomes.ToName(e.Outcome),
        Time = Timestamp.FromDateTimeOffset(e.At),
    };

    public static UsageSummaryRow ToContract(this UsageSummary r) => new()
    {
        TenantId = r.TenantId ?? string.Empty,
        ApiKeyId = r.ApiKeyId ?? string.Empty,
        Model = r.Model ?? string.Empty,
        Provider = r.Provider ?? string.Empty,
        JobType = r.JobType ?? string.Empty,
        Day = r.Day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty,
        Currency = r.Currency,
        Calls = r.Calls,
        Failures = r.Failures,
        InputTokens = r.InputTokens,
        OutputTokens = r.OutputTokens,
        Cost = Text(r.Cost),
        AverageLatencyMs = r.AverageLatency.TotalMilliseconds,
    };

    // Trailing zeros of the stored scale say nothing: 2.5000000000 is sent as "2.5".
    public static string Text(decimal amount) => (amount / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
}
