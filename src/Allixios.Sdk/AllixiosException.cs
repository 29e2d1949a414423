namespace Allixios;

/// <summary>
/// An error that Allixios reports to its caller: a <see cref="Kind"/> that hosts map to a status, and a
/// stable machine-readable <see cref="Reason"/> (e.g. <c>tenant_not_found</c>) beside a message for people.
/// </summary>
public class AllixiosException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="kind">What kind of error it is.</param>
    /// <param name="reason">A stable, lower-case, snake_case code for the error.</param>
    /// <param name="message">What went wrong and what to do about it.</param>
    public AllixiosException(AllixiosErrorKind kind, string reason, string message)
        : base(message)
    {
        Kind = kind;
        Reason = reason;
    }

    /// <summary>What kind of error it is.</summary>
    public AllixiosErrorKind Kind { get; }

    /// <summary>A stable, lower-case, snake_case code for the error, e.g. <c>tenant_not_found</c>.</summary>
    public string Reason { get; }

    internal static AllixiosException Invalid(string reason, string message) => new(AllixiosErrorKind.InvalidArgument, reason, message);

    internal static AllixiosException NotFound(string reason, string message) => new(AllixiosErrorKind.NotFound, reason, message);

    internal static AllixiosException Exists(string reason, string message) => new(AllixiosErrorKind.AlreadyExists, reason, message);
}
