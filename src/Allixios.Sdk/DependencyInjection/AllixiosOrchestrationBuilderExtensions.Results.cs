using Allixios;
using Allixios.Orchestration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class AllixiosOrchestrationBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="IJobResultStore"/>, where handlers leave their jobs' results (PostgreSQL when
    /// <c>UsePostgres</c> is called, in either order: table <c>job_results</c>, deleted with its job; else in memory,
    /// bounded). Adds orchestration if needed. Calling it again adds nothing twice.
    /// </summary>
    public static IAllixiosBuilder AddJobResults(this IAllixiosBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddOrchestration();
        builder.Services.TryAddSingleton<IJobResultStore>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresJobResultStore(dataSource, sp.GetRequiredService<TimeProvider>())
            : new InMemoryJobResultStore(sp.GetRequiredService<IJobQueue>(), sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
