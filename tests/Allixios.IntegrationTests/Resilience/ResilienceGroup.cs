using Xunit;

namespace Allixios.IntegrationTests.Resilience;

/// <summary>
/// The tests that kill processes and restart the shared test PostgreSQL server: they run alone, after the parallel
/// test classes, so a restart never breaks another test's connections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResilienceGroup
{
    public const string Name = "Resilience";
}
