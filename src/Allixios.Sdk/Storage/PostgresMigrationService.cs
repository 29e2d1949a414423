using Microsoft.Extensions.Options;

namespace Allixios.Storage;

/// <summary>Applies pending migrations at start, when <see cref="PostgresOptions.MigrateAtStart"/> is on.</summary>
internal sealed class PostgresMigrationService(MigrationRunner runner, IOptions<PostgresOptions> options) : IAllixiosStartupTask
{
    public int Order => 0;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateAtStart)
        {
            await runner.MigrateAsync(cancellationToken);
        }
    }
}
