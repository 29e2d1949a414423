using Cronos;

namespace Allixios.Orchestration;

/// <summary>Cron expressions and time zones, parsed the one way both the client (to validate) and the scheduler (to fire) use.</summary>
internal static class CronTiming
{
    /// <summary>Parses five fields, six with seconds first, or a macro.</summary>
    /// <exception cref="AllixiosException">InvalidArgument, reason <c>invalid_cron_expression</c>, with Cronos's own message.</exception>
    public static CronExpression Parse(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw AllixiosException.Invalid("invalid_cron_expression", "The cron expression is empty: give five fields (minute hour day-of-month month day-of-week), six with seconds first, or a macro such as @daily.");
        }

        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        try
        {
            return CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw AllixiosException.Invalid("invalid_cron_expression", $"The cron expression '{expression}' is not valid: {e.Message} Use five fields (minute hour day-of-month month day-of-week), six with seconds first, or a macro such as @daily.");
        }
    }

    /// <summary>The time zone of an IANA id (or a Windows id, which .NET maps).</summary>
    /// <exception cref="AllixiosException">InvalidArgument, reason <c>unknown_time_zone</c>.</exception>
    public static TimeZoneInfo FindZone(string? id)
    {
        if (!string.IsNullOrWhiteSpace(id))
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                // Falls through to the one message below.
            }
        }

        throw AllixiosException.Invalid("unknown_time_zone", $"Time zone '{id}' is not known: use an IANA time zone id such as UTC, Europe/Berlin or America/New_York.");
    }
}
