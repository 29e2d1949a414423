using Allixios.Usage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Testing.Usage;

/// <summary>
/// The contract of <see cref="IBudgetStore"/> (and of <see cref="BudgetClient"/>'s validation in front of it); derive
/// once per implementation. Time is a <see cref="FakeTimeProvider"/> that tests move by hand across windows and expiries.
/// </summary>
public abstract class BudgetStoreConformance : IAsyncLifetime
{
    /// <summary>The moment each test starts at: mid-day, mid-month.</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";

    private IBudgetStore? _store;

    /// <summary>The clock of the store under test.</summary>
    protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The store under test, fresh for this test.</summary>
    protected IBudgetStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>A client over <see cref="Store"/>.</summary>
    protected BudgetClient Client => new(Store, Options.Create(new UsageOptions()), Time);

    /// <summary>Creates a fresh, empty store whose times come from <paramref name="time"/>.</summary>
    protected abstract Task<IBudgetStore> CreateStoreAsync(TimeProvider time);

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync(Time);

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_created_budget_is_read_back_and_listed_with_nothing_spent()
    {
        var created = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "usd", 10m) { WarningRatio = 0.5m });

        var read = await Client.GetAsync(TenantA, created.Id);
        var list = await Client.ListAsync(TenantA);

        Assert.Equal("USD", read.Currency);
        Assert.Equal(10m, read.Limit);
        Assert.Equal(0.5m, read.WarningRatio);
        Assert.Equal(0m, read.Spent);
        Assert.Equal(0m, read.Reserved);
        Assert.Equal("daily USD budget", read.Name);
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 0, 0, 0, TimeSpan.Zero), read.WindowStart);
        Assert.Equal(created.Id, Assert.Single(list).Id);
        Assert.Empty(await Client.ListAsync(TenantB));
        Assert.Null(await Store.GetAsync(TenantB, created.Id));
    }

    [Fact]
    public async Task A_second_budget_for_the_same_key_period_and_currency_is_refused_as_existing()
    {
        await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Month, "EUR", 100m));
        await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Month, "EUR", 5m) { ApiKeyId = "key-1" });
        await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "EUR", 5m));

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Month, "EUR", 50m)));

        Assert.Equal(AllixiosErrorKind.AlreadyExists, error.Kind);
        Assert.Equal("budget_exists", error.Reason);
        Assert.Equal(3, (await Client.ListAsync(TenantA)).Count);
    }

    [Theory]
    [InlineData(-1, "USD", 0.8, "invalid_limit")]
    [InlineData(10, "XYZ", 0.8, "unknown_currency")]
    [InlineData(10, "", 0.8, "unknown_currency")]
    [InlineData(10, "USD", 1.5, "invalid_warning_ratio")]
    [InlineData(10, "USD", -0.1, "invalid_warning_ratio")]
    public async Task A_bad_budget_is_refused_with_what_to_fix_and_nothing_is_created(double limit, string currency, double ratio, string reason)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () =>
            await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, currency, (decimal)limit) { WarningRatio = (decimal)ratio }));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(reason, error.Reason);
        Assert.Empty(await Client.ListAsync(TenantA));
    }

    [Fact]
    public async Task A_reservation_within_the_limit_is_held_and_one_over_it_is_refused_naming_the_budget()
    {
        var budget = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "USD", 10m) { Name = "daily cap" });

        var first = await Client.ReserveAsync(TenantA, null, 6m, "USD");
        var second = await Client.ReserveAsync(TenantA, null, 5m, "USD");

        Assert.True(first.IsGranted);
        Assert.Equal([budget.Id], first.Reservation!.BudgetIds);
        Assert.False(second.IsGranted);
        Assert.Equal(budget.Id, second.Refusal!.BudgetId);
        Assert.Equal(BudgetReasons.Exhausted, second.Refusal.Reason);
        Assert.Contains("'daily cap'", second.Refusal.Message, StringComparison.Ordinal);
        Assert.True(second.Refusal.MayFreeUpBeforeWindowEnd);
        var read = await Client.GetAsync(TenantA, budget.Id);
        Assert.Equal(6m, read.Reserved);
        Assert.Equal(0m, read.Spent);
    }

    [Fact]
    public async Task A_reservation_is_all_or_none_across_the_tenant_budget_and_the_key_budget()
    {
        var tenantWide = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Month, "USD", 100m));
        var keyBudget = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "USD", 3m) { ApiKeyId = "key-1" });

        var byKey = await Client.ReserveAsync(TenantA, "key-1", 4m, "USD");
        var byOtherKey = await Client.ReserveAsync(TenantA, "key-2", 4m, "USD");

        Assert.False(byKey.IsGranted);
        Assert.Equal(keyBudget.Id, byKey.Refusal!.BudgetId);
        Assert.True(byOtherKey.IsGranted);
        Assert.Equal([tenantWide.Id], byOtherKey.Reservation!.BudgetIds);
        Assert.Equal(4m, (await Client.GetAsync(TenantA, tenantWide.Id)).Reserved);
        Assert.Equal(0m, (await Client.GetAsync(TenantA, keyBudget.Id)).Reserved);
    }

    [Fact]
    public async Task Settling_frees_the_reservation_and_spends_the_actual_cost_once()
    {
        var budget = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "USD", 10m));
        var reservation = (await Client.ReserveAsync(TenantA, null, 5m, "USD")).Reservation!;

        var settled = await Client.SettleAsync(reservation, 1.25m);
        var again = await Client.SettleAsync(reservation, 1.25m);
        var releaseAfter = await Client.ReleaseAsync(reservation);

        Assert.True(settled);
        Assert.False(again);
        Assert.False(releaseAfter);
        var read = await Client.GetAsync(TenantA, budget.Id);
        Assert.Equal(1.25m, read.Spent);
        Assert.Equal(0m, read.Reserved);
        Assert.Equal(8.75m, read.Remaining);
    }

    [Fact]
    public async Task Releasing_frees_the_reservation_without_spending()
    {
        var budget = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "USD", 10m));
        var reservation = (await Client.ReserveAsync(TenantA, null, 10m, "USD")).Reservation!;

        Assert.False((await Client.ReserveAsync(TenantA, null, 1m, "USD")).IsGranted);
        Assert.True(await Client.ReleaseAsync(reservation));
        Assert.False(await Client.ReleaseAsync(reservation));

        var read = await Client.GetAsync(TenantA, budget.Id);
        Assert.Equal(0m, read.Spent);
        Assert.Equal(0m, read.Reserved);
        Assert.True((await Client.ReserveAsync(TenantA, null, 10m, "USD")).IsGranted);
    }

    [Fact]
    public async Task A_reservation_never_settled_is_freed_after_it_expires_and_a_late_settle_is_still_charged()
    {
        var budget = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "USD", 10m));
        var lapsing = (await Client.ReserveAsync(TenantA, null, 8m, "USD", TimeSpan.FromMinutes(5))).Reservation!;
        var lasting = (await Client.ReserveAsync(TenantA, null, 1m, "USD", TimeSpan.FromHours(1))).Reservation!;

        Assert.Equal(0, await Store.ExpireReservationsAsync(100));
        Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await Store.ExpireReservationsAsync(100));
        Assert.Equal(0, await Store.ExpireReservationsAsync(100));
        Assert.Equal(1m, (await Client.GetAsync(TenantA, budget.Id)).Reserved);
        Assert.False(await Client.ReleaseAsync(lapsing));
        Assert.True(await Client.SettleAsync(lapsing, 2m));

        var read = await Client.GetAsync(TenantA, budget.Id);
        Assert.Equal(2m, read.Spent);
        Assert.Equal(1m, read.Reserved);
        Assert.True(await Client.SettleAsync(lasting, 1m));
        Assert.Equal(0m, (await Client.GetAsync(TenantA, budget.Id)).Reserved);
    }

    [Fact]
    public async Task A_daily_budget_starts_afresh_the_next_day_while_a_monthly_one_keeps_its_spend()
    {
        var daily = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "USD", 10m));
        var monthly = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Month, "USD", 100m));
        var reservation = (await Client.ReserveAsync(TenantA, null, 10m, "USD")).Reservation!;
        await Client.SettleAsync(reservation, 10m);
        var sameDay = await Client.ReserveAsync(TenantA, null, 1m, "USD");

        Time.Advance(TimeSpan.FromDays(1));
        var nextDay = await Client.ReserveAsync(TenantA, null, 1m, "USD");

        Assert.False(sameDay.IsGranted);
        Assert.Equal(daily.Id, sameDay.Refusal!.BudgetId);
        Assert.False(sameDay.Refusal.MayFreeUpBeforeWindowEnd);
        Assert.Equal(new DateTimeOffset(2025, 3, 15, 0, 0, 0, TimeSpan.Zero), sameDay.Refusal.WindowEnd);
        Assert.True(nextDay.IsGranted);
        Assert.Equal(0m, (await Client.GetAsync(TenantA, daily.Id)).Spent);
        Assert.Equal(10m, (await Client.GetAsync(TenantA, monthly.Id)).Spent);
    }

    [Fact]
    public async Task A_cost_in_another_currency_is_refused_and_a_zero_estimate_cannot_pass_a_spent_budget()
    {
        var budget = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "EUR", 1m));

        var dollars = await Client.ReserveAsync(TenantA, null, 0.5m, "USD");
        var full = (await Client.ReserveAsync(TenantA, null, 1m, "EUR")).Reservation!;
        var zero = await Client.ReserveAsync(TenantA, null, 0m, "EUR");

        Assert.Equal(BudgetReasons.CurrencyMismatch, dollars.Refusal!.Reason);
        Assert.Contains("EUR", dollars.Refusal.Message, StringComparison.Ordinal);
        Assert.NotNull(full);
        Assert.False(zero.IsGranted);
        Assert.Equal(budget.Id, zero.Refusal!.BudgetId);
    }

    [Fact]
    public async Task A_reservation_with_no_budget_that_applies_is_granted_and_holds_nothing()
    {
        await Client.CreateAsync(TenantB, new NewBudget(BudgetPeriod.Day, "USD", 0m));

        var result = await Client.ReserveAsync(TenantA, null, 5m, "USD");

        Assert.True(result.IsGranted);
        Assert.Empty(result.Reservation!.BudgetIds);
        Assert.True(await Client.SettleAsync(result.Reservation, 5m));
    }

    [Fact]
    public async Task Reaching_the_soft_threshold_warns_without_refusing()
    {
        var budget = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "USD", 10m) { WarningRatio = 0.5m });

        var below = (await Client.ReserveAsync(TenantA, null, 4m, "USD")).Reservation!;
        var over = (await Client.ReserveAsync(TenantA, null, 2m, "USD")).Reservation!;

        Assert.Empty(below.Warnings);
        var warning = Assert.Single(over.Warnings);
        Assert.Equal(budget.Id, warning.BudgetId);
        Assert.Equal(6m, warning.Committed);
    }

    [Fact]
    public async Task Updating_and_deleting_a_budget_change_what_reservations_meet()
    {
        var budget = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "USD", 1m));
        Assert.False((await Client.ReserveAsync(TenantA, null, 5m, "USD")).IsGranted);

        var raised = await Client.UpdateAsync(TenantA, budget.Id, new BudgetChanges { Limit = 10m, Name = "raised" });
        var afterRaise = await Client.ReserveAsync(TenantA, null, 5m, "USD");
        await Client.DeleteAsync(TenantA, budget.Id);
        var afterDelete = await Client.ReserveAsync(TenantA, null, 500m, "USD");

        Assert.Equal(10m, raised.Limit);
        Assert.Equal("raised", raised.Name);
        Assert.True(afterRaise.IsGranted);
        Assert.True(afterDelete.IsGranted);
        Assert.Empty(afterDelete.Reservation!.BudgetIds);
        Assert.True(await Client.SettleAsync(afterRaise.Reservation!, 5m));
        var missing = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.GetAsync(TenantA, budget.Id));
        Assert.Equal("budget_not_found", missing.Reason);
        var noChange = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.UpdateAsync(TenantA, budget.Id, new BudgetChanges()));
        Assert.Equal("no_budget_changes", noChange.Reason);
    }

    [Fact]
    public async Task Of_fifty_concurrent_reservations_only_as_many_as_fit_are_granted()
    {
        var budget = await Client.CreateAsync(TenantA, new NewBudget(BudgetPeriod.Day, "USD", 10m));

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await Client.ReserveAsync(TenantA, null, 1m, "USD"))));

        Assert.Equal(10, results.Count(r => r.IsGranted));
        Assert.Equal(10m, (await Client.GetAsync(TenantA, budget.Id)).Reserved);
    }

    [Fact]
    public async Task Bad_reservation_input_is_refused_with_what_to_fix()
    {
        var negative = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.ReserveAsync(TenantA, null, -1m, "USD"));
        var currency = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.ReserveAsync(TenantA, null, 1m, "dollars"));
        var hold = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.ReserveAsync(TenantA, null, 1m, "USD", TimeSpan.Zero));
        var reservation = (await Client.ReserveAsync(TenantA, null, 1m, "USD")).Reservation!;
        var settle = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.SettleAsync(reservation, -2m));

        Assert.Equal("invalid_cost", negative.Reason);
        Assert.Equal("unknown_currency", currency.Reason);
        Assert.Equal("invalid_hold", hold.Reason);
        Assert.Equal("invalid_cost", settle.Reason);
    }
}
