using Allixios.Orchestration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class AllixiosOrchestrationBuilderExtensions
{
    // Cron schedules come with the job engine: the store (PostgreSQL when UsePostgres is called, else in memory), the
    // client, the runner, and the hosted scheduler that every replica may run (CronOptions.RunScheduler).
    private static void AddCron(IServiceCollection services)
    {
        services.AddOptionsValidatedOnce<CronOptions>();
        services.TryAddSingleton<ICronScheduleStore>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresCronScheduleStore(dataSource)
            : new InMemoryCronScheduleStore());
        services.TryAddSingleton<CronScheduleClient>();
        services.TryAddSingleton<CronScheduleRunner>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CronScheduler>());
    }
}
