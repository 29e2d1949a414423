using Allixios.Usage;

namespace Allixios.Orchestration;

/// <summary>What one attempt's handler reported it cost, and the budget reservation the attempt runs under.</summary>
internal sealed class JobCost(BudgetReservation? reservation)
{
    private decimal? _reported;

    public BudgetReservation? Reservation { get; } = reservation;

    public decimal? Reported => _reported;

    public void Report(decimal cost) => _reported = (_reported ?? 0) + cost;
}
