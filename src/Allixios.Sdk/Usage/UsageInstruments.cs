using System.Diagnostics.Metrics;
using Allixios.Diagnostics;

namespace Allixios.Usage;

/// <summary>The instruments of budgets, the ledger and rate limits, on the one Allixios meter.</summary>
internal static class UsageInstruments
{
    public static readonly Counter<long> BudgetReservations = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.budget.reservations",
        unit: "{reservation}",
        description: "Budget reservations asked for through this process, by outcome (granted, refused).");

    public static readonly Counter<long> BudgetWarnings = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.budget.warnings",
        unit: "{warning}",
        description: "Reservations that took a budget to or past its soft warning threshold.");

    public static readonly Counter<long> RateLimitDecisions = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.rate_limit.decisions",
        unit: "{decision}",
        description: "Rate-limit acquisitions for resources, by resource, dimension (requests, tokens) and outcome (acquired, refused).");

    public static readonly Counter<double> UsageCost = AllixiosTelemetry.Meter.CreateCounter<double>(
        "allixios.usage.cost",
        unit: "{currency_unit}",
        description: "Cost recorded in the usage ledger through this process, by currency, provider and model.");
}
