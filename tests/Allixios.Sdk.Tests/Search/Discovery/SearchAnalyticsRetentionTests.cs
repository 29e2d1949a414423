using Allixios.Search;
using Allixios.Search.Analytics;
using Allixios.Search.Hybrid;
using Xunit;

namespace Allixios.Sdk.Tests.Search.Discovery;

public sealed class SearchAnalyticsRetentionTests
{
    [Fact]
    public async Task AddSearchDiscovery_runs_a_retention_service_that_deletes_what_is_older_than_the_retention()
    {
        await using var host = new DiscoveryHost(caching: false, configure: o => o.AnalyticsRetention = TimeSpan.FromDays(7));
        await host.IndexAsync(DiscoveryHost.Doc("d1", "Wing flow", "Flow over a wing."));
        var old = await host.Search.SearchAsync(DiscoveryHost.Tenant, new SearchQuery("wing"), SearchMode.Lexical);
        await host.Feedback.RecordInteractionAsync(DiscoveryHost.Tenant, "u1", "d1", InteractionKind.View);
        host.Time.Advance(TimeSpan.FromDays(8));
        var recent = await host.Search.SearchAsync(DiscoveryHost.Tenant, new SearchQuery("flow"), SearchMode.Lexical);

        var deleted = await host.Retention.PruneAsync();

        Assert.Equal(2, deleted);
        Assert.Null(await host.Analytics.GetQueryAsync(DiscoveryHost.Tenant, old.QueryId));
        Assert.NotNull(await host.Analytics.GetQueryAsync(DiscoveryHost.Tenant, recent.QueryId));
        Assert.Equal(0, await host.Retention.PruneAsync());
    }

    [Fact]
    public async Task A_retention_pass_deletes_more_than_one_batch()
    {
        await using var host = new DiscoveryHost(caching: false, configure: o => o.AnalyticsRetention = TimeSpan.FromDays(1));
        for (var i = 0; i < SearchAnalyticsRetention.BatchSize + 5; i++)
        {
            await host.Analytics.RecordQueryAsync(DiscoveryHost.Tenant, new SearchQueryLogEntry(Guid.NewGuid(), "q", SearchMode.Lexical, 0, TimeSpan.Zero, host.Time.GetUtcNow()));
        }

        host.Time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(SearchAnalyticsRetention.BatchSize + 5, await host.Retention.PruneAsync());
    }
}
