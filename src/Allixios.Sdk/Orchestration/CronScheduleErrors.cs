namespace Allixios.Orchestration;

/// <summary>The errors both schedule stores and the client raise, so that their wording cannot drift apart.</summary>
internal static class CronScheduleErrors
{
    public static AllixiosException NotFound(string tenantId, Guid scheduleId) =>
        AllixiosException.NotFound("cron_schedule_not_found", $"Tenant '{tenantId}' has no cron schedule {scheduleId}: check the id.");

    public static AllixiosException NameTaken(string tenantId, string name) =>
        AllixiosException.Exists("cron_schedule_exists", $"Tenant '{tenantId}' already has a cron schedule named '{name}': choose another name, or update that schedule.");
}
