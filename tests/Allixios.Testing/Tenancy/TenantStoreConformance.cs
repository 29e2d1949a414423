using Allixios.Tenancy;
using Xunit;

namespace Allixios.Testing.Tenancy;

/// <summary>The contract of <see cref="ITenantStore"/>; derive once per implementation.</summary>
public abstract class TenantStoreConformance : TenancyConformance
{
    private ITenantStore Tenants => Stores.Tenants;

    [Fact]
    public async Task Created_tenant_reads_back_with_its_limits_and_features()
    {
        var tenant = SampleTenant("acme-news") with
        {
            Limits = new Dictionary<string, long> { ["jobs.concurrency"] = 4, ["ai.budget_cents"] = 12_000_000_000 },
            Features = new Dictionary<string, bool> { ["search.semantic"] = true, ["content.translate"] = false },
        };

        Assert.True(await Tenants.TryCreateAsync(tenant));

        TenancyAssert.Equal(tenant, await Tenants.GetAsync("acme-news"));
    }

    [Fact]
    public async Task Times_given_with_any_utc_offset_are_kept_as_the_same_instant()
    {
        var tenant = SampleTenant("acme-news") with { CreatedAt = T0.ToOffset(TimeSpan.FromHours(2)), UpdatedAt = T0.ToOffset(TimeSpan.FromHours(-7)) };
        Assert.True(await Tenants.TryCreateAsync(tenant));
        Assert.True(await Tenants.TryUpdateAsync(tenant with { UpdatedAt = T0.AddHours(1).ToOffset(TimeSpan.FromHours(9)) }));

        var read = await Tenants.GetAsync("acme-news");

        Assert.Equal(T0, read!.CreatedAt);
        Assert.Equal(T0.AddHours(1), read.UpdatedAt);
    }

    [Fact]
    public async Task Tenant_without_limits_or_features_reads_back_empty()
    {
        var tenant = SampleTenant("bare") with { Limits = new Dictionary<string, long>(), Features = new Dictionary<string, bool>() };

        Assert.True(await Tenants.TryCreateAsync(tenant));

        var read = await Tenants.GetAsync("bare");
        TenancyAssert.Equal(tenant, read);
        Assert.Empty(read!.Limits);
        Assert.Empty(read.Features);
    }

    [Fact]
    public async Task Creating_a_tenant_whose_id_exists_returns_false_and_keeps_the_first()
    {
        var first = SampleTenant("acme-news", T0, "First");
        Assert.True(await Tenants.TryCreateAsync(first));

        Assert.False(await Tenants.TryCreateAsync(SampleTenant("acme-news", T0.AddHours(1), "Second")));

        TenancyAssert.Equal(first, await Tenants.GetAsync("acme-news"));
        Assert.Single(await Tenants.ListAsync(null, 10));
    }

    [Fact]
    public async Task Getting_a_tenant_that_does_not_exist_returns_null()
    {
        await AddTenantAsync("acme-news");

        Assert.Null(await Tenants.GetAsync("acme-new"));
        Assert.Null(await Tenants.GetAsync("other"));
    }

    [Fact]
    public async Task Empty_store_lists_no_tenants()
    {
        Assert.Empty(await Tenants.ListAsync(null, 10));
    }

    [Fact]
    public async Task Tenants_list_in_ordinal_id_order_whatever_the_order_they_were_created_in()
    {
        string[] created = ["zeta", "acme2", "acme-news", "b-1", "b0b", "123", "acme"];
        foreach (var id in created)
        {
            await AddTenantAsync(id);
        }

        var listed = await Tenants.ListAsync(null, 100);

        Assert.Equal(created.Order(StringComparer.Ordinal), listed.Select(t => t.Id));
    }

    [Fact]
    public async Task List_returns_at_most_the_limit()
    {
        foreach (var id in new[] { "aaa", "bbb", "ccc", "ddd" })
        {
            await AddTenantAsync(id);
        }

        Assert.Equal(["aaa", "bbb"], (await Tenants.ListAsync(null, 2)).Select(t => t.Id));
        Assert.Equal(["aaa"], (await Tenants.ListAsync(null, 1)).Select(t => t.Id));
    }

    [Fact]
    public async Task Paging_with_after_id_visits_every_tenant_once_in_order()
    {
        var ids = Enumerable.Range(0, 11).Select(i => $"tenant-{i:00}").ToList();
        foreach (var id in ids.AsEnumerable().Reverse())
        {
            await AddTenantAsync(id);
        }

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var page = await Tenants.ListAsync(after, 3);
            Assert.True(page.Count <= 3);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(t => t.Id));
            after = page[^1].Id;
            Assert.True(++pages <= 4, "Paging should end after 4 pages of 3.");
        }

        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task List_after_an_id_starts_strictly_after_it()
    {
        foreach (var id in new[] { "aaa", "bbb", "ccc" })
        {
            await AddTenantAsync(id);
        }

        Assert.Equal(["ccc"], (await Tenants.ListAsync("bbb", 10)).Select(t => t.Id));
    }

    [Fact]
    public async Task List_after_an_id_that_does_not_exist_starts_where_it_would_be()
    {
        foreach (var id in new[] { "aaa", "bbb", "ccc" })
        {
            await AddTenantAsync(id);
        }

        Assert.Equal(["bbb", "ccc"], (await Tenants.ListAsync("abc", 10)).Select(t => t.Id));
        Assert.Equal(["aaa", "bbb", "ccc"], (await Tenants.ListAsync("0", 10)).Select(t => t.Id));
    }

    [Fact]
    public async Task List_after_the_last_id_is_empty()
    {
        foreach (var id in new[] { "aaa", "bbb" })
        {
            await AddTenantAsync(id);
        }

        Assert.Empty(await Tenants.ListAsync("bbb", 10));
        Assert.Empty(await Tenants.ListAsync("zzz", 10));
    }

    [Fact]
    public async Task Update_replaces_display_name_limits_features_and_update_time()
    {
        await AddTenantAsync("acme-news");
        var changed = new Tenant(
            "acme-news",
            "Acme News (renamed)",
            new Dictionary<string, long> { ["search.max_results"] = 50 },
            new Dictionary<string, bool> { ["search.semantic"] = false },
            T0,
            T0.AddMinutes(5));

        Assert.True(await Tenants.TryUpdateAsync(changed));

        var read = await Tenants.GetAsync("acme-news");
        TenancyAssert.Equal(changed, read);
        Assert.False(read!.Limits.ContainsKey("jobs.concurrency"));
    }

    [Fact]
    public async Task Update_keeps_the_creation_time()
    {
        await AddTenantAsync("acme-news", T0);

        Assert.True(await Tenants.TryUpdateAsync(SampleTenant("acme-news", T0.AddDays(1), "Renamed")));

        var read = await Tenants.GetAsync("acme-news");
        Assert.Equal(T0, read!.CreatedAt);
        Assert.Equal(T0.AddDays(1), read.UpdatedAt);
        Assert.Equal("Renamed", read.DisplayName);
    }

    [Fact]
    public async Task Updating_a_tenant_that_does_not_exist_returns_false_and_creates_nothing()
    {
        await AddTenantAsync("acme-news");

        Assert.False(await Tenants.TryUpdateAsync(SampleTenant("ghost")));

        Assert.Null(await Tenants.GetAsync("ghost"));
        Assert.Equal(["acme-news"], (await Tenants.ListAsync(null, 10)).Select(t => t.Id));
    }

    [Fact]
    public async Task Update_changes_only_its_own_tenant()
    {
        var other = await AddTenantAsync("other");
        await AddTenantAsync("acme-news");

        Assert.True(await Tenants.TryUpdateAsync(SampleTenant("acme-news", T0, "Renamed")));

        TenancyAssert.Equal(other, await Tenants.GetAsync("other"));
    }
}
