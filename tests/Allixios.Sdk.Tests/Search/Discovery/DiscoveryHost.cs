using Allixios.Search;
using Allixios.Search.Analytics;
using Allixios.Search.Discovery;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Allixios.Sdk.Tests.Search.Discovery;

/// <summary>Search with discovery as <c>AddAllixios()…AddSearchDiscovery()</c> builds it, in memory, on a fake clock.</summary>
internal sealed class DiscoveryHost : IAsyncDisposable
{
    public const string Tenant = "acme";

    private readonly ServiceProvider _provider;

    public DiscoveryHost(bool caching = true, bool semantic = false, Action<SearchDiscoveryOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        var allixios = services.AddAllixios();
        if (caching)
        {
            allixios.AddCaching();
        }

        if (semantic)
        {
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(Embedder);
            allixios.AddSemanticSearch(o => o.IndexName = "words");
        }

        allixios.AddSearchDiscovery(configure);
        _provider = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public WordCountEmbedder Embedder { get; } = new();

    public ISearchIndex Index => _provider.GetRequiredService<ISearchIndex>();

    public TrackedSearch Search => _provider.GetRequiredService<TrackedSearch>();

    public SearchRecommender Recommender => _provider.GetRequiredService<SearchRecommender>();

    public SearchFeedback Feedback => _provider.GetRequiredService<SearchFeedback>();

    public ISearchAnalyticsStore Analytics => _provider.GetRequiredService<ISearchAnalyticsStore>();

    public SearchAnalyticsRetention Retention => _provider.GetServices<IHostedService>().OfType<SearchAnalyticsRetention>().Single();

    public static SearchDocument Doc(string id, string title, string body) => new(id, title, body);

    public async Task IndexAsync(params SearchDocument[] documents) => await Index.UpsertAsync(Tenant, documents);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
