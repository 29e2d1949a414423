using Allixios.Testing.Usage;
using Allixios.Usage;
using Xunit;

namespace Allixios.IntegrationTests.Usage;

// The PostgreSQL budget store against the conformance suite that the in-memory store also passes.
public sealed class PostgresBudgetStoreConformanceTests(MigratedPostgresDatabase database) : BudgetStoreConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<IBudgetStore> CreateStoreAsync(TimeProvider time)
    {
        await using (var truncate = database.DataSource.CreateCommand("TRUNCATE budget_holds, budget_reservations, budgets"))
        {
            await truncate.ExecuteNonQueryAsync();
        }

        return new PostgresBudgetStore(database.DataSource, time);
    }
}
