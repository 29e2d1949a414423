using Allixios.Usage;
using Xunit;

namespace Allixios.Sdk.Tests.Usage;

public sealed class TimeOrderedIdsTests
{
    [Fact]
    public void Ids_are_version_7_with_the_rfc_variant_and_carry_the_timestamp_in_milliseconds()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_764_160_000_123);
        var id = TimeOrderedIds.CreateVersion7(at);
        var bytes = id.ToByteArray(bigEndian: true);

        Assert.Equal(7, id.Version);
        Assert.Equal(0x80, bytes[8] & 0xC0);
        var milliseconds = 0L;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }

        Assert.Equal(at.ToUnixTimeMilliseconds(), milliseconds);
        // The same layout as the framework's own version 7 ids: the first 48 bits are the same for the same instant.
        Assert.Equal(Guid.CreateVersion7(at).ToString()[..13], id.ToString()[..13]);
    }

    [Fact]
    public async Task Ids_drawn_across_threads_and_random_blocks_never_repeat()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_764_160_000_000);
        var perThread = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 10_000).Select(_ => TimeOrderedIds.CreateVersion7(at)).ToArray())));
        var all = perThread.SelectMany(ids => ids).ToList();

        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(all, id => Assert.Equal(7, id.Version));
    }

    [Fact]
    public void A_timestamp_before_the_unix_epoch_is_refused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => TimeOrderedIds.CreateVersion7(DateTimeOffset.UnixEpoch.AddMilliseconds(-1)));
}
