using System.Text.RegularExpressions;
using Allixios;
using Allixios.Orchestration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the durable job engine to Allixios.</summary>
public static partial class AllixiosOrchestrationBuilderExtensions
{
    /// <summary>
    /// Adds the job engine: <see cref="JobClient"/> to enqueue and manage jobs, the <see cref="IJobQueue"/> (PostgreSQL
    /// when <c>UsePostgres</c> is called, in either order; else in memory) and the hosted worker, which runs the handlers
    /// added with <see cref="AddJobHandler{THandler}"/>. Calling it again adds nothing twice but applies
    /// <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddOrchestration(this IAllixiosBuilder builder, Action<OrchestrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<OrchestrationOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new JobTypeRegistry(sp.GetServices<JobTypeRegistration>()));
        // Decided when first resolved, so that UsePostgres may come before or after AddOrchestration.
        services.TryAddSingleton<IJobQueue>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresJobQueue(dataSource, sp.GetRequiredService<TimeProvider>())
            : new InMemoryJobQueue(sp.GetRequiredService<TimeProvider>()) { Observer = sp.GetService<IJobStateObserver>() });
        services.TryAddSingleton<JobClient>();
        services.TryAddSingleton<FairScheduler>();
        services.TryAddSingleton<JobQueueMonitor>();
        builder.AddUsage();
        services.AddOptionsValidatedOnce<JobAdmissionOptions>();
        services.TryAddSingleton<JobAdmission>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAllixiosStartupTask, JobTypeSchemaCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAllixiosStartupTask, JobQueueMonitorStart>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, JobWorker>());
        AddCron(services);
        return builder;
    }

    /// <summary>
    /// Registers a job type that this process may enqueue but does not run (another process has its handler).
    /// </summary>
    /// <param name="builder">The Allixios builder.</param>
    /// <param name="jobType">The type's name: lower-case letters and digits in parts joined by <c>.</c>, <c>-</c> or <c>_</c>, up to 100 characters, e.g. <c>content.generate</c>.</param>
    /// <param name="payloadSchema">A JSON Schema every payload must satisfy at enqueue; none accepts any JSON document.</param>
    public static IAllixiosBuilder AddJobType(this IAllixiosBuilder builder, string jobType, string? payloadSchema = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ValidateName(jobType);
        builder.AddOrchestration();
        builder.Services.AddSingleton(new JobTypeRegistration(jobType, payloadSchema));
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/>, an <see cref="IJobHandler{TPayload}"/>, as the handler of
    /// <paramref name="jobType"/>; the worker resolves it from a fresh scope for each job. Adds orchestration if needed.
    /// </summary>
    /// <param name="builder">The Allixios builder.</param>
    /// <param name="jobType">The type's name: lower-case letters and digits in parts joined by <c>.</c>, <c>-</c> or <c>_</c>, up to 100 characters, e.g. <c>content.generate</c>.</param>
    /// <param name="payloadSchema">A JSON Schema every payload must satisfy at enqueue; none accepts any JSON document.</param>
    public static IAllixiosBuilder AddJobHandler<THandler>(this IAllixiosBuilder builder, string jobType, string? payloadSchema = null)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ValidateName(jobType);
        var handlerInterfaces = typeof(THandler).GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IJobHandler<>))
            .ToList();
        if (handlerInterfaces.Count != 1)
        {
            throw new ArgumentException($"{typeof(THandler).Name} must implement IJobHandler<TPayload> exactly once to handle '{jobType}'; it implements it {handlerInterfaces.Count} times.", nameof(THandler));
        }

        builder.AddOrchestration();
        builder.Services.TryAddScoped<THandler>();
        builder.Services.AddSingleton(new JobTypeRegistration(jobType, payloadSchema, typeof(THandler), handlerInterfaces[0].GetGenericArguments()[0]));
        return builder;
    }

    private static void ValidateName(string jobType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobType);
        if (jobType.Length > 100 || !JobTypeName().IsMatch(jobType))
        {
            throw new ArgumentException($"Job type '{jobType}' is not a valid name: use lower-case letters and digits in parts joined by '.', '-' or '_', up to 100 characters (e.g. 'content.generate').", nameof(jobType));
        }
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:[._-][a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex JobTypeName();
}
