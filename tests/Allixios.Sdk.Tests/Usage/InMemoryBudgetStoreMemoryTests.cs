using Allixios.Usage;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.Usage;

// Every routed call reserves and settles in the embedded budget store, so what it remembers must follow the calls in
// flight, not the calls ever made.
public sealed class InMemoryBudgetStoreMemoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Settled_and_released_reservations_are_forgotten_and_a_repeat_is_still_refused()
    {
        var store = new InMemoryBudgetStore(_time);
        await store.CreateAsync(Budget("tenant-a"));
        var reservations = new List<BudgetReservation>();
        for (var i = 0; i < 1_000; i++)
        {
            reservations.Add((await store.ReserveAsync(Guid.NewGuid(), Request("tenant-a"))).Reservation!);
        }

        Assert.Equal(1_000, store.ReservationCount);
        for (var i = 0; i < reservations.Count; i++)
        {
            Assert.True(i % 2 == 0 ? await store.SettleAsync(reservations[i], 0.001m) : await store.ReleaseAsync(reservations[i]));
        }

        Assert.Equal(0, store.ReservationCount);
        Assert.False(await store.SettleAsync(reservations[0], 0.001m));
        Assert.False(await store.ReleaseAsync(reservations[1]));
        var budget = Assert.Single(await store.ListAsync("tenant-a"));
        Assert.Equal(500 * 0.001m, budget.Spent);
        Assert.Equal(0, budget.Reserved);
    }

    [Fact]
    public async Task A_lapsed_reservation_is_kept_a_day_for_a_late_settle_then_forgotten()
    {
        var store = new InMemoryBudgetStore(_time);
        await store.CreateAsync(Budget("tenant-a"));
        var late = (await store.ReserveAsync(Guid.NewGuid(), Request("tenant-a"))).Reservation!;
        var never = (await store.ReserveAsync(Guid.NewGuid(), Request("tenant-a"))).Reservation!;

        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(2, await store.ExpireReservationsAsync(100));
        Assert.True(await store.SettleAsync(late, 0.25m));
        Assert.Equal(1, store.ReservationCount);

        _time.Advance(TimeSpan.FromDays(1));
        await store.ExpireReservationsAsync(100);
        Assert.Equal(0, store.ReservationCount);
        Assert.False(await store.SettleAsync(never, 0.25m));
        Assert.Equal(0.25m, Assert.Single(await store.ListAsync("tenant-a")).Spent);
    }

    private Budget Budget(string tenant)
    {
        var now = _time.GetUtcNow();
        return new(Guid.NewGuid(), tenant, null, "monthly", BudgetPeriod.Month, "USD", 100m, 0.8m, 0m, 0m, BudgetWindow.Start(BudgetPeriod.Month, now), now, now);
    }

    private ReservationRequest Request(string tenant) => new(tenant, null, 0.01m, "USD", _time.GetUtcNow().AddMinutes(10));
}
