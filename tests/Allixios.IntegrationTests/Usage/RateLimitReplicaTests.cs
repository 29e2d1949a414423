using Allixios.IntegrationTests.Caching;
using Allixios.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.IntegrationTests.Usage;

/// <summary>A resource's rate limit shared by two independent replicas (own service providers, own connections) on Redis and on PostgreSQL.</summary>
public sealed class RateLimitReplicaTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>
{
    private const int PerMinute = 30;

    [Theory(Timeout = 120_000)]
    [InlineData("redis")]
    [InlineData("postgres")]
    public async Task Two_replicas_with_a_shared_rate_limit_of_r_per_minute_together_never_exceed_r(string store)
    {
        var resource = "provider-" + Guid.NewGuid().ToString("N")[..8];
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 14, 12, 0, 10, TimeSpan.Zero));
        var replicas = Enumerable.Range(0, 2).Select(_ => Replica(store, resource, time)).ToList();
        try
        {
            var limits = replicas.Select(r => r.GetRequiredService<ResourceRateLimits>()).ToList();

            var firstMinute = await AcquireManyAsync(limits, resource);
            time.Advance(TimeSpan.FromSeconds(40));
            var laterInTheMinute = await AcquireManyAsync(limits, resource);
            time.Advance(TimeSpan.FromSeconds(15));
            var nextMinute = await AcquireManyAsync(limits, resource);

            // Each replica alone would take 40 a minute; together they get exactly the shared 30.
            Assert.Equal(PerMinute, firstMinute);
            Assert.Equal(0, laterInTheMinute);
            Assert.Equal(PerMinute, nextMinute);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    private static async Task<int> AcquireManyAsync(List<ResourceRateLimits> limits, string resource)
    {
        var attempts = limits.SelectMany(l => Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
        {
            using var lease = await l.AcquireAsync(resource, tokens: 100);
            return lease.IsAcquired;
        })));
        return (await Task.WhenAll(attempts)).Count(acquired => acquired);
    }

    private ServiceProvider Replica(string store, string resource, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        var allixios = services.AddAllixios();
        if (store == "redis")
        {
            allixios.UseRedis(TestRedis.Configuration);
        }
        else
        {
            allixios.UsePostgres(database.Database.ConnectionString);
        }

        allixios.AddUsage(o =>
        {
            o.RateLimitStore = store;
            o.RateLimits[resource] = new ResourceRateLimit { RequestsPerMinute = PerMinute, TokensPerMinute = 1_000_000 };
        });
        return services.BuildServiceProvider();
    }
}
