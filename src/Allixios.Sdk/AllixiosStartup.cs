using Microsoft.Extensions.Hosting;

namespace Allixios;

/// <summary>Work that must finish before a host serves requests, run in <see cref="Order"/> by <see cref="AllixiosStartup"/>.</summary>
internal interface IAllixiosStartupTask
{
    /// <summary>Lower runs first: schema migrations (0) before the bootstrap key (100), which needs the schema.</summary>
    int Order { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One hosted service runs the startup tasks in order, so that the order does not depend on which of
/// <c>AddAllixios</c> and <c>UsePostgres</c> registered its work first.
/// </summary>
internal sealed class AllixiosStartup(IEnumerable<IAllixiosStartupTask> tasks) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var task in tasks.OrderBy(t => t.Order))
        {
            await task.RunAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
