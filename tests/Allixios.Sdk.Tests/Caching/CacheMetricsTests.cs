using System.Diagnostics.Metrics;
using Allixios.Caching;
using Allixios.Diagnostics;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class CacheMetricsTests
{
    [Fact]
    public async Task Hits_misses_factory_runs_stale_values_errors_and_invalidations_are_recorded_on_the_Allixios_meter()
    {
        // The meter is process-wide and other tests record on it at the same time, so the assertions are lower bounds:
        // what this test alone must have caused.
        var recorded = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AllixiosTelemetry.Name && instrument.Name.StartsWith("allixios.cache.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var name = instrument.Name;
            foreach (var tag in tags)
            {
                name += ";" + tag.Key + "=" + tag.Value;
            }

            lock (recorded)
            {
                recorded[name] = recorded.GetValueOrDefault(name) + value;
            }
        });
        listener.Start();

        await using var test = new TestCache();
        var factory = new CountingFactory();
        var options = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromSeconds(10), MaxStaleness = TimeSpan.FromMinutes(1), DependsOn = ["content:1"] };
        await test.Cache.GetOrCreateAsync("metrics:page", factory.RunAsync, options);
        await test.Cache.GetOrCreateAsync("metrics:page", factory.RunAsync, options);
        test.Time.Advance(TimeSpan.FromSeconds(11));
        factory.Failure = new InvalidOperationException("down");
        await test.Cache.GetOrCreateAsync("metrics:page", factory.RunAsync, options);
        await test.Cache.InvalidateKeyAsync("content:1");

        // Hits are an observable counter: collected when asked for.
        listener.RecordObservableInstruments();

        long Get(string name)
        {
            lock (recorded)
            {
                return recorded.GetValueOrDefault(name);
            }
        }

        Assert.True(Get("allixios.cache.hits;level=l1") >= 1);
        Assert.True(Get("allixios.cache.misses;level=l1") >= 2);
        Assert.True(Get("allixios.cache.factory_runs") >= 2);
        Assert.True(Get("allixios.cache.stale_served") >= 1);
        Assert.True(Get("allixios.cache.errors;source=factory") >= 1);
        Assert.True(Get("allixios.cache.invalidations;cause=key") >= 2);
    }
}
