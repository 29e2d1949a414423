namespace Allixios.Orchestration;

/// <summary>The stable snake_case names of <see cref="CronMisfirePolicy"/> values, as stored and shown to users.</summary>
public static class CronMisfirePolicies
{
    /// <summary>The name of <paramref name="policy"/>, e.g. <c>fire_once</c>.</summary>
    public static string ToName(CronMisfirePolicy policy) => policy switch
    {
        CronMisfirePolicy.FireOnce => "fire_once",
        CronMisfirePolicy.Skip => "skip",
        CronMisfirePolicy.FireAll => "fire_all",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown misfire policy."),
    };

    /// <summary>The policy named <paramref name="name"/>, or <see langword="null"/> when no policy has that name.</summary>
    public static CronMisfirePolicy? TryParse(string? name) => name switch
    {
        "fire_once" => CronMisfirePolicy.FireOnce,
        "skip" => CronMisfirePolicy.Skip,
        "fire_all" => CronMisfirePolicy.FireAll,
        _ => null,
    };
}
