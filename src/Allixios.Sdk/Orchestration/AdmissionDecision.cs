using Allixios.Usage;

namespace Allixios.Orchestration;

/// <summary>The admission step's answer for one job.</summary>
internal sealed record AdmissionDecision(bool Admitted, BudgetReservation? Reservation, string? Reason, DateTimeOffset RetryAt, AdmissionRefusalPolicy Policy)
{
    // Most jobs are admitted without a reservation (no budget applies): one answer serves them all.
    private static readonly AdmissionDecision Unreserved = new(true, null, null, default, default);

    public static AdmissionDecision Admit(BudgetReservation? reservation) => reservation is null ? Unreserved : new(true, reservation, null, default, default);

    public static AdmissionDecision Refuse(string reason, DateTimeOffset retryAt, AdmissionRefusalPolicy policy) => new(false, null, reason, retryAt, policy);
}
