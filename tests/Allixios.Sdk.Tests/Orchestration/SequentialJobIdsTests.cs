using Allixios.Orchestration;
using Xunit;

namespace Allixios.Sdk.Tests.Orchestration;

public sealed class SequentialJobIdsTests
{
    [Fact]
    public void Ids_made_in_one_millisecond_increase_in_the_order_they_were_made_as_text_and_as_uuids()
    {
        var now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var generator = new SequentialJobIds();
        var ids = Enumerable.Range(0, 1_000).Select(_ => generator.Next(now)).ToList();

        Assert.Equal(ids, ids.Order().ToList());
        Assert.Equal(ids.Select(i => i.ToString()), ids.Select(i => i.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(7, id.Version));
    }

    [Fact]
    public void Ids_keep_the_time_they_were_made_at_when_the_clock_differs_between_calls()
    {
        var later = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var earlier = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var generator = new SequentialJobIds();
        generator.Next(later);
        var id = generator.Next(earlier);

        Assert.Equal(Guid.CreateVersion7(earlier).ToString()[..13], id.ToString()[..13]);
    }
}
