using System.Diagnostics.CodeAnalysis;

namespace Allixios.Usage;

/// <summary>The answer to a reservation: granted with a <see cref="Reservation"/>, or refused with a <see cref="Refusal"/>.</summary>
public sealed class ReservationResult
{
    private ReservationResult(BudgetReservation? reservation, BudgetRefusal? refusal)
    {
        Reservation = reservation;
        Refusal = refusal;
    }

    /// <summary>Whether the money was set aside.</summary>
    [MemberNotNullWhen(true, nameof(Reservation))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool IsGranted => Reservation is not null;

    /// <summary>The reservation when granted.</summary>
    public BudgetReservation? Reservation { get; }

    /// <summary>Why it was refused, when refused.</summary>
    public BudgetRefusal? Refusal { get; }

    /// <summary>A granted reservation.</summary>
    public static ReservationResult Granted(BudgetReservation reservation) => new(reservation ?? throw new ArgumentNullException(nameof(reservation)), null);

    /// <summary>A refusal.</summary>
    public static ReservationResult Refused(BudgetRefusal refusal) => new(null, refusal ?? throw new ArgumentNullException(nameof(refusal)));
}
