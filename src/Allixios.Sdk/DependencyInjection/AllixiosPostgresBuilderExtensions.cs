using Allixios;
using Allixios.Storage;
using Allixios.Tenancy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts Allixios on PostgreSQL.</summary>
public static class AllixiosPostgresBuilderExtensions
{
    /// <summary>
    /// Stores everything durable in PostgreSQL 15+ with pgvector: registers one <see cref="NpgsqlDataSource"/> with the
    /// pgvector type mapping, replaces the in-memory stores, migrates the schema at start (see
    /// <see cref="PostgresOptions.MigrateAtStart"/>) and adds a readiness check tagged <c>ready</c>.
    /// </summary>
    public static IAllixiosBuilder UsePostgres(this IAllixiosBuilder builder, string connectionString, Action<PostgresOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var services = builder.Services;
        services.AddOptionsValidatedOnce<PostgresOptions>()
            .Configure(o =>
            {
                o.ConnectionString = connectionString;
                configure?.Invoke(o);
            });

        services.TryAddSingleton(sp =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<IOptions<PostgresOptions>>().Value.ConnectionString);
            dataSourceBuilder.UseVector();
            // Every Allixios statement keeps its settings transaction-local (SET LOCAL, set_config(…, true)) and releases
            // its advisory locks, so a pooled connection carries nothing over and needs no reset: resetting cost a few
            // statements on every reuse, i.e. on every dequeue and completion of the job queue. (The queue's LISTEN holds
            // its connection for the life of the process; one given back after an error only receives notifications
            // nobody reads.) A connection string that names the option keeps its own choice; it is read by the plain
            // builder, as Npgsql's own says it contains every keyword it knows, set or not.
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = dataSourceBuilder.ConnectionString };
            if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
            {
                dataSourceBuilder.ConnectionStringBuilder.NoResetOnClose = true;
            }

            // PostgreSQL's JIT compiles a statement whose estimated cost passes jit_above_cost, for that one execution.
            // Allixios' statements are short and run thousands of times a second; an estimate made on stale statistics
            // (a queue table that grew since the last analyze) pushed the job queue's statements over the threshold and
            // a quarter of the server's CPU went to LLVM, cutting throughput by a factor of two to three from one run
            // to the next. A connection string that sets jit in its Options keeps its own choice.
            var options = dataSourceBuilder.ConnectionStringBuilder.Options;
            if (options is null || !options.Contains("jit", StringComparison.OrdinalIgnoreCase))
            {
                dataSourceBuilder.ConnectionStringBuilder.Options = string.IsNullOrWhiteSpace(options) ? "-c jit=off" : options + " -c jit=off";
            }

            return dataSourceBuilder.Build();
        });
        services.TryAddSingleton(sp => new MigrationRunner(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<Logging.ILogger<MigrationRunner>>()));
        services.Replace(ServiceDescriptor.Singleton<ITenantStore, PostgresTenantStore>());
        services.Replace(ServiceDescriptor.Singleton<IApiKeyStore, PostgresApiKeyStore>());
        services.Replace(ServiceDescriptor.Singleton<IAuditLog, PostgresAuditLog>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAllixiosStartupTask, PostgresMigrationService>());
        if (!services.Any(s => s.ServiceType == typeof(PostgresHealthCheck)))
        {
            services.AddSingleton<PostgresHealthCheck>();
            services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"], timeout: TimeSpan.FromSeconds(5));
        }

        return builder;
    }
}
