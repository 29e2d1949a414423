using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Allixios.Runtime.Hosting;

/// <summary>
/// Ready once the host has started, i.e. after the schema is migrated and the bootstrap key registered. Also
/// gives the gRPC health service a check to report in the embedded default, which has no servers to check.
/// </summary>
internal sealed class StartedHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(lifetime.ApplicationStarted.IsCancellationRequested
            ? HealthCheckResult.Healthy("The runtime has started.")
            : new HealthCheckResult(context.Registration.FailureStatus, "The runtime is starting."));
}
