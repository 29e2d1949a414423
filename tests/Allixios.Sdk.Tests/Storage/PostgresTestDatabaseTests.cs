using Allixios.Testing.Storage;
using Xunit;

namespace Allixios.Sdk.Tests.Storage;

public sealed class PostgresTestDatabaseTests
{
    [Fact]
    public async Task Without_the_server_variable_it_fails_saying_how_to_run_the_tests()
    {
        // No other test of this assembly reads the variable, so changing it for a moment affects none of them.
        var saved = Environment.GetEnvironmentVariable(PostgresTestDatabase.EnvironmentVariable);
        Environment.SetEnvironmentVariable(PostgresTestDatabase.EnvironmentVariable, null);
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(PostgresTestDatabase.CreateAsync);

            Assert.Contains(PostgresTestDatabase.EnvironmentVariable, error.Message, StringComparison.Ordinal);
            Assert.Contains("scripts/test-services.sh start", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PostgresTestDatabase.EnvironmentVariable, saved);
        }
    }
}
