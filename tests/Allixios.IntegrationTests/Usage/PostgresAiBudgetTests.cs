using Allixios.AiRouting;
using Allixios.Sdk.Tests.AiRouting;
using Allixios.Usage;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Server;
using Xunit;

namespace Allixios.IntegrationTests.Usage;

/// <summary>Routed AI calls charged to the PostgreSQL budget store and recorded in the PostgreSQL usage ledger, as a production runtime has them.</summary>
public sealed class PostgresAiBudgetTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>, IDisposable
{
    private readonly WireMockServer _openAi = WireMockServer.Start();

    public void Dispose() => _openAi.Stop();

    [Fact(Timeout = 120_000)]
    public async Task Fifty_concurrent_streams_never_overspend_a_postgres_budget_and_the_postgres_ledger_adds_up_to_the_streams_usage()
    {
        var services = new ServiceCollection();
        services.AddAllixios()
            .UsePostgres(database.Database.ConnectionString, o => o.MigrateAtStart = false)
            .AddAiRouting(o =>
            {
                o.Providers["openai"] = new AiProviderOptions { Kind = AiProviderKind.OpenAi, BaseAddress = new Uri(_openAi.Url + "/v1/"), ApiKey = "sk-test" };
                o.Deployments.Add(new AiDeploymentOptions { Id = "openai-gpt-4o-mini", Provider = "openai", Model = "gpt-4o-mini" });
                o.MaxRetries = 0;
                o.DefaultMaxOutputTokens = 2;
            });
        await using var provider = services.BuildServiceProvider();
        Assert.IsType<PostgresBudgetStore>(provider.GetRequiredService<IBudgetStore>());
        Assert.IsType<PostgresUsageLedger>(provider.GetRequiredService<IUsageLedger>());

        await ConcurrentBudgetedStreams.RunAsync(
            _openAi,
            provider.GetRequiredService<AiRouter>(),
            provider.GetRequiredService<BudgetClient>(),
            provider.GetRequiredService<IUsageLedger>(),
            "streams-" + Guid.NewGuid().ToString("N")[..8]);
    }
}
