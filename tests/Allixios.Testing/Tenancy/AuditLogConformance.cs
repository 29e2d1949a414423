using Allixios.Tenancy;
using Xunit;

namespace Allixios.Testing.Tenancy;

/// <summary>The contract of <see cref="IAuditLog"/>; derive once per implementation.</summary>
public abstract class AuditLogConformance : TenancyConformance
{
    private IAuditLog Audit => Stores.AuditLog;

    [Fact]
    public async Task Appended_entries_list_newest_first_with_every_field()
    {
        var entries = new[]
        {
            Entry("acme-news", "tenant.create", T0, new() { ["display_name"] = "Acme News" }),
            Entry("acme-news", "api_key.create", T0.AddMinutes(1), new() { ["name"] = "n8n production", ["scopes"] = "content:read jobs:write" }),
            Entry("acme-news", "api_key.revoke", T0.AddMinutes(2), []),
        };
        foreach (var entry in entries)
        {
            await Audit.AppendAsync(entry);
        }

        var listed = await Audit.ListAsync("acme-news", 10);

        Assert.Equal(3, listed.Count);
        TenancyAssert.Equal(entries[2], listed[0]);
        TenancyAssert.Equal(entries[1], listed[1]);
        TenancyAssert.Equal(entries[0], listed[2]);
    }

    [Fact]
    public async Task Entries_with_the_same_time_list_the_last_appended_first()
    {
        foreach (var action in new[] { "first", "second", "third" })
        {
            await Audit.AppendAsync(Entry("acme-news", action, T0, []));
        }

        Assert.Equal(["third", "second", "first"], (await Audit.ListAsync("acme-news", 10)).Select(e => e.Action));
    }

    [Fact]
    public async Task List_returns_at_most_the_limit_newest_entries()
    {
        for (var i = 0; i < 5; i++)
        {
            await Audit.AppendAsync(Entry("acme-news", $"action.{i}", T0.AddSeconds(i), []));
        }

        Assert.Equal(["action.4", "action.3"], (await Audit.ListAsync("acme-news", 2)).Select(e => e.Action));
        Assert.Equal(["action.4"], (await Audit.ListAsync("acme-news", 1)).Select(e => e.Action));
        Assert.Equal(5, (await Audit.ListAsync("acme-news", 500)).Count);
    }

    [Fact]
    public async Task List_returns_only_the_tenants_own_entries()
    {
        await Audit.AppendAsync(Entry("acme-news", "a.1", T0, []));
        await Audit.AppendAsync(Entry("beta-blog", "b.1", T0.AddSeconds(1), []));
        await Audit.AppendAsync(Entry("acme-news", "a.2", T0.AddSeconds(2), []));
        await Audit.AppendAsync(Entry("beta-blog", "b.2", T0.AddSeconds(3), []));

        Assert.Equal(["a.2", "a.1"], (await Audit.ListAsync("acme-news", 10)).Select(e => e.Action));
        Assert.Equal(["b.2", "b.1"], (await Audit.ListAsync("beta-blog", 10)).Select(e => e.Action));
        Assert.Equal(["a.2"], (await Audit.ListAsync("acme-news", 1)).Select(e => e.Action));
    }

    [Fact]
    public async Task Tenant_without_entries_lists_none()
    {
        await Audit.AppendAsync(Entry("acme-news", "a.1", T0, []));

        Assert.Empty(await Audit.ListAsync("beta-blog", 10));
    }

    [Fact]
    public async Task A_time_given_with_any_utc_offset_is_kept_as_the_same_instant()
    {
        await Audit.AppendAsync(Entry("acme-news", "a.1", T0.ToOffset(TimeSpan.FromHours(-5)), []));

        Assert.Equal(T0, Assert.Single(await Audit.ListAsync("acme-news", 10)).At);
    }

    [Fact]
    public async Task Details_keep_any_text_exactly()
    {
        var entry = Entry("acme-news", "tenant.update", T0, new()
        {
            ["display_name"] = "Ünïcödé \"quoted\" \\ back\nslash 🚀",
            ["empty"] = string.Empty,
            ["with.dots-and_underscores"] = "{\"json\": true}",
        });

        await Audit.AppendAsync(entry);

        TenancyAssert.Equal(entry, Assert.Single(await Audit.ListAsync("acme-news", 10)));
    }

    private static AuditEntry Entry(string tenantId, string action, DateTimeOffset at, Dictionary<string, string> details)
        => new(tenantId, "key_admin", action, "target-of-" + action, at, details);
}
