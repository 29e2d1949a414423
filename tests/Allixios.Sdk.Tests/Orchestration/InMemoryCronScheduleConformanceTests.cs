using Allixios.Orchestration;
using Allixios.Testing.Orchestration;

namespace Allixios.Sdk.Tests.Orchestration;

// Cron schedules in memory, against the suite the PostgreSQL store also passes.
public sealed class InMemoryCronScheduleConformanceTests : CronScheduleConformance
{
    protected override Task<ICronScheduleStore> CreateStoreAsync() => Task.FromResult<ICronScheduleStore>(new InMemoryCronScheduleStore());

    protected override Task<IJobQueue> CreateQueueAsync(TimeProvider time) => Task.FromResult<IJobQueue>(new InMemoryJobQueue(time));
}
