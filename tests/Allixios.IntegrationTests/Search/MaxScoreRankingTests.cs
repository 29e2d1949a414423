using Allixios.Search;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.IntegrationTests.Search;

// PostgreSQL's MaxScore ranking (SearchOptions.MaxScorePostingsBudget) must return exactly the page that scoring every
// match returns: same ids, same order, same scores. A budget of 1 makes every term but the strongest non-essential,
// the hardest case for the bound; the in-memory index, which always scores every match, is the reference.
public sealed class MaxScoreRankingTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>
{
    [Theory]
    [InlineData("boundary layer flow", 0, 10)]
    [InlineData("boundary layer flow", 10, 10)]
    [InlineData("heat transfer in hypersonic flow", 0, 5)]
    [InlineData("\"boundary layer\" heating", 0, 10)]
    [InlineData("shock waves on a cone", 3, 7)]
    [InlineData("the of a", 0, 20)]
    [InlineData("slipstraem propellor", 0, 10)]
    [InlineData("aerodyn* stability", 0, 10)]
    [InlineData("boundary layer flow", 0, 200)]
    public async Task The_pruned_page_equals_the_exhaustive_one(string text, int offset, int top)
    {
        var (memory, postgres, tenant) = await IndexesAsync(budget: 1);
        foreach (var query in new[]
        {
            new SearchQuery(text) { Offset = offset, Top = top, Highlight = true },
            new SearchQuery(text) { Offset = offset, Top = top, Filters = [SearchFilter.AnyOf("category", "c1", "c2")] },
            new SearchQuery(text) { Offset = offset, Top = top, Feedback = new QueryFeedback() },
        })
        {
            var expected = await memory.SearchAsync(tenant, query);
            var actual = await postgres.SearchAsync(tenant, query);

            Assert.Equal(expected.Hits.Select(h => (h.Id, h.Score, h.Snippet)), actual.Hits.Select(h => (h.Id, h.Score, h.Snippet)));
            if (actual.TotalIsLowerBound)
            {
                Assert.InRange(actual.Total, offset + actual.Hits.Count, expected.Total);
            }
            else
            {
                Assert.Equal(expected.Total, actual.Total);
            }
        }
    }

    [Fact]
    public async Task A_query_with_common_terms_is_answered_without_scoring_every_match()
    {
        var (memory, postgres, tenant) = await IndexesAsync(budget: 1);
        var query = new SearchQuery("hypersonic shock the of") { Top = 3 };

        var expected = await memory.SearchAsync(tenant, query);
        var actual = await postgres.SearchAsync(tenant, query);

        Assert.True(actual.TotalIsLowerBound, "The page should have been proven exact without the common terms' postings.");
        Assert.Equal(expected.Hits.Select(h => (h.Id, h.Score)), actual.Hits.Select(h => (h.Id, h.Score)));
        Assert.InRange(actual.Total, 3, expected.Total - 1);
    }

    [Fact]
    public async Task Within_the_budget_the_total_is_exact()
    {
        var (memory, postgres, tenant) = await IndexesAsync(budget: new SearchOptions().MaxScorePostingsBudget);
        var query = new SearchQuery("the of a boundary") { Top = 5 };

        var expected = await memory.SearchAsync(tenant, query);
        var actual = await postgres.SearchAsync(tenant, query);

        Assert.False(actual.TotalIsLowerBound);
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.Hits.Select(h => (h.Id, h.Score)), actual.Hits.Select(h => (h.Id, h.Score)));
    }

    private async Task<(InMemorySearchIndex Memory, PostgresSearchIndex Postgres, string Tenant)> IndexesAsync(int budget)
    {
        var tenant = "m" + Guid.NewGuid().ToString("N")[..12];
        var memory = new InMemorySearchIndex(Options.Create(new SearchOptions()));
        var postgres = new PostgresSearchIndex(database.DataSource, Options.Create(new SearchOptions { MaxScorePostingsBudget = budget }), TimeProvider.System);
        var corpus = SearchParityTests.Corpus();
        await memory.UpsertAsync(tenant, corpus);
        await postgres.UpsertAsync(tenant, corpus);
        return (memory, postgres, tenant);
    }
}
