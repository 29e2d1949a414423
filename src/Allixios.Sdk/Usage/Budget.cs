namespace Allixios.Usage;

/// <summary>A spending limit of a tenant, or of one of its API keys, per day or per month, as a store holds it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="TenantId">The tenant it belongs to.</param>
/// <param name="ApiKeyId">The API key it limits, or none: it limits all of the tenant's spending.</param>
/// <param name="Name">A label for people, e.g. <c>daily cap</c>.</param>
/// <param name="Period">Day or month.</param>
/// <param name="Currency">The ISO 4217 code its amounts are in, e.g. <c>USD</c>; costs reserved against it must be in it too.</param>
/// <param name="Limit">The hard stop: a reservation that would take spent plus reserved over it is refused.</param>
/// <param name="WarningRatio">The soft threshold as a share of <see cref="Limit"/> (0 to 1): reaching it raises a warning, nothing is refused.</param>
/// <param name="Spent">What was settled in the current window.</param>
/// <param name="Reserved">What is reserved by work not yet settled (whatever window it was reserved in).</param>
/// <param name="WindowStart">The start of the window <see cref="Spent"/> belongs to.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When its settings last changed.</param>
public sealed record Budget(
    Guid Id,
    string TenantId,
    string? ApiKeyId,
    string Name,
    BudgetPeriod Period,
    string Currency,
    decimal Limit,
    decimal WarningRatio,
    decimal Spent,
    decimal Reserved,
    DateTimeOffset WindowStart,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>What may still be reserved in the current window (never negative).</summary>
    public decimal Remaining => Math.Max(0, Limit - Spent - Reserved);

    /// <summary>When the current window ends and <see cref="Spent"/> starts again from zero.</summary>
    public DateTimeOffset WindowEnd => Period == BudgetPeriod.Day ? WindowStart.AddDays(1) : WindowStart.AddMonths(1);

    /// <summary>Whether spent plus reserved has reached the soft warning threshold.</summary>
    public bool IsOverWarning => Spent + Reserved >= Limit * WarningRatio;

    /// <summary>The budget as seen at <paramref name="now"/>: when its stored window has passed, nothing is spent in the current one.</summary>
    internal Budget AsOf(DateTimeOffset now)
    {
        var start = BudgetWindow.Start(Period, now);
        return WindowStart < start ? this with { Spent = 0, WindowStart = start } : this;
    }
}
