namespace Allixios.Usage;

/// <summary>What usage analytics group by; combine them (e.g. <c>Model | Day</c>). Rows are always apart by currency.</summary>
[Flags]
public enum UsageDimensions
{
    /// <summary>One row per currency: the totals.</summary>
    None = 0,

    /// <summary>By tenant.</summary>
    Tenant = 1,

    /// <summary>By API key.</summary>
    ApiKey = 2,

    /// <summary>By model.</summary>
    Model = 4,

    /// <summary>By provider.</summary>
    Provider = 8,

    /// <summary>By job type.</summary>
    JobType = 16,

    /// <summary>By UTC day.</summary>
    Day = 32,
}
