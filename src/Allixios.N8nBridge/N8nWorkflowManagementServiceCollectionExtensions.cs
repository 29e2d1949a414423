using Allixios.N8nBridge;
using Allixios.N8nBridge.Analysis;
using Allixios.N8nBridge.Versioning;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds version control and execution analysis of n8n workflows.</summary>
public static class N8nWorkflowManagementServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="WorkflowVersionControl"/> (over the <see cref="IN8nClient"/> of <c>AddN8nClient</c>), its
    /// <see cref="IWorkflowVersionStore"/> — PostgreSQL when an <see cref="NpgsqlDataSource"/> is registered (Allixios'
    /// <c>UsePostgres</c>, before or after this call), else in memory — and <see cref="ExecutionAnalyzer"/> with its
    /// options, validated at start. Idempotent.
    /// </summary>
    public static IServiceCollection AddN8nWorkflowManagement(this IServiceCollection services, Action<ExecutionAnalysisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptionsWithValidateOnStart<ExecutionAnalysisOptions>().ValidateDataAnnotations();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InMemoryWorkflowVersionStore>();
        services.TryAddSingleton<IWorkflowVersionStore>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresWorkflowVersionStore(dataSource)
            : sp.GetRequiredService<InMemoryWorkflowVersionStore>());
        // Transient like the typed IN8nClient it uses, so its HttpClient handlers rotate as the factory intends.
        services.TryAddTransient<WorkflowVersionControl>();
        services.TryAddSingleton<ExecutionAnalyzer>();
        return services;
    }
}
