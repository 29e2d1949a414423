using Allixios.Quality;
using Allixios.Testing.Quality;
using Xunit;

namespace Allixios.IntegrationTests.Quality;

// The PostgreSQL quality ledger against the conformance suite that the in-memory one also passes.
public sealed class PostgresQualityLedgerConformanceTests(MigratedPostgresDatabase database) : QualityLedgerConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<IQualityLedger> CreateLedgerAsync()
    {
        await using (var truncate = database.DataSource.CreateCommand("TRUNCATE quality_scores"))
        {
            await truncate.ExecuteNonQueryAsync();
        }

        return new PostgresQualityLedger(database.DataSource);
    }
}
