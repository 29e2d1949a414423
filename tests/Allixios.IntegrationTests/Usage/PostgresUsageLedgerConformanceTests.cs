using Allixios.Testing.Usage;
using Allixios.Usage;
using Xunit;

namespace Allixios.IntegrationTests.Usage;

// The PostgreSQL ledger against the conformance suite that the in-memory ledger also passes.
public sealed class PostgresUsageLedgerConformanceTests(MigratedPostgresDatabase database) : UsageLedgerConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<IUsageLedger> CreateLedgerAsync()
    {
        await using (var truncate = database.DataSource.CreateCommand("TRUNCATE usage_ledger"))
        {
            await truncate.ExecuteNonQueryAsync();
        }

        return new PostgresUsageLedger(database.DataSource);
    }
}
