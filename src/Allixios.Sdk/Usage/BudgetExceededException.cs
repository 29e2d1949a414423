namespace Allixios.Usage;

/// <summary>A reservation was refused by a budget; <see cref="Refusal"/> names it and says when it resets.</summary>
public sealed class BudgetExceededException : AllixiosException
{
    /// <summary>Creates the error from the refusal.</summary>
    public BudgetExceededException(BudgetRefusal refusal)
        : base(AllixiosErrorKind.ResourceExhausted, (refusal ?? throw new ArgumentNullException(nameof(refusal))).Reason, refusal.Message)
    {
        Refusal = refusal;
    }

    /// <summary>The budget that refused, its limit, spend and when it resets.</summary>
    public BudgetRefusal Refusal { get; }
}
