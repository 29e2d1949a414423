using Allixios.Tenancy;
using Xunit;

namespace Allixios.Testing.Tenancy;

/// <summary>The contract of <see cref="IApiKeyStore"/>; derive once per implementation.</summary>
public abstract class ApiKeyStoreConformance : TenancyConformance
{
    private IApiKeyStore Keys => Stores.ApiKeys;

    [Fact]
    public async Task Created_key_is_found_by_the_hash_of_its_secret_with_every_field()
    {
        await AddTenantAsync("acme-news");
        var key = SampleKey("acme-news", "key_0001", T0, expiresAt: T0.AddDays(30)) with
        {
            Scopes = [ApiScopes.ContentRead, ApiScopes.ContentWrite, ApiScopes.KeysWrite],
        };

        await Keys.CreateAsync(key, SampleHash("key_0001"));

        TenancyAssert.Equal(key, await Keys.FindBySecretHashAsync(SampleHash("key_0001")));
    }

    [Fact]
    public async Task Key_without_expiry_reads_back_without_expiry_revocation_or_use()
    {
        await AddTenantAsync("acme-news");
        var key = await AddKeyAsync("acme-news", "key_0001");

        var found = await Keys.FindBySecretHashAsync(SampleHash("key_0001"));

        TenancyAssert.Equal(key, found);
        Assert.Null(found!.ExpiresAt);
        Assert.Null(found.RevokedAt);
        Assert.Null(found.LastUsedAt);
    }

    [Fact]
    public async Task Times_given_with_any_utc_offset_are_kept_as_the_same_instant()
    {
        await AddTenantAsync("acme-news");
        var plusTwo = TimeSpan.FromHours(2);
        var key = SampleKey("acme-news", "key_0001", T0.ToOffset(plusTwo), T0.AddDays(1).ToOffset(-plusTwo));

        await Keys.CreateAsync(key, SampleHash("key_0001"));
        await Keys.RecordUseAsync("key_0001", T0.AddHours(1).ToOffset(plusTwo));
        await Keys.RevokeAsync("acme-news", "key_0001", T0.AddHours(2).ToOffset(plusTwo));

        var found = await Keys.FindBySecretHashAsync(SampleHash("key_0001"));
        Assert.NotNull(found);
        Assert.Equal(T0, found.CreatedAt);
        Assert.Equal(T0.AddDays(1), found.ExpiresAt);
        Assert.Equal(T0.AddHours(1), found.LastUsedAt);
        Assert.Equal(T0.AddHours(2), found.RevokedAt);
    }

    [Fact]
    public async Task A_hash_no_key_has_finds_nothing()
    {
        await AddTenantAsync("acme-news");
        await AddKeyAsync("acme-news", "key_0001");

        Assert.Null(await Keys.FindBySecretHashAsync(SampleHash("key_0002")));
        Assert.Null(await Keys.FindBySecretHashAsync(new byte[32]));
    }

    [Fact]
    public async Task Creating_a_key_whose_id_exists_fails_with_AlreadyExists_and_keeps_the_first()
    {
        await AddTenantAsync("acme-news");
        var first = await AddKeyAsync("acme-news", "key_0001");

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.AlreadyExists,
            async () => await Keys.CreateAsync(SampleKey("acme-news", "key_0001", T0.AddHours(1)) with { Name = "second" }, SampleHash("another secret")));

        Assert.Equal("api_key_exists", error.Reason);
        Assert.Null(await Keys.FindBySecretHashAsync(SampleHash("another secret")));
        TenancyAssert.Equal(first, await Keys.GetAsync("acme-news", "key_0001"));
        Assert.Single(await Keys.ListAsync("acme-news"));
    }

    [Fact]
    public async Task Key_ids_are_unique_across_tenants()
    {
        await AddTenantAsync("acme-news");
        await AddTenantAsync("beta-blog");
        var first = await AddKeyAsync("acme-news", "key_0001");

        await TenancyAssert.FailsAsync(
            AllixiosErrorKind.AlreadyExists,
            async () => await Keys.CreateAsync(SampleKey("beta-blog", "key_0001"), SampleHash("another secret")));

        Assert.Empty(await Keys.ListAsync("beta-blog"));
        TenancyAssert.Equal(first, await Keys.GetAsync("acme-news", "key_0001"));
    }

    [Fact]
    public async Task Creating_a_key_whose_secret_hash_exists_fails_with_AlreadyExists()
    {
        await AddTenantAsync("acme-news");
        await AddTenantAsync("beta-blog");
        var first = await AddKeyAsync("acme-news", "key_0001");

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.AlreadyExists,
            async () => await Keys.CreateAsync(SampleKey("beta-blog", "key_0002"), SampleHash("key_0001")));

        Assert.Equal("api_key_exists", error.Reason);
        Assert.Null(await Keys.GetAsync("beta-blog", "key_0002"));
        TenancyAssert.Equal(first, await Keys.FindBySecretHashAsync(SampleHash("key_0001")));
    }

    [Fact]
    public async Task Creating_a_key_for_a_tenant_that_does_not_exist_fails_with_NotFound()
    {
        await AddTenantAsync("acme-news");

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.NotFound,
            async () => await Keys.CreateAsync(SampleKey("ghost", "key_0001"), SampleHash("key_0001")));

        Assert.Equal("tenant_not_found", error.Reason);
        Assert.Contains("ghost", error.Message, StringComparison.Ordinal);
        Assert.Null(await Keys.FindBySecretHashAsync(SampleHash("key_0001")));
        Assert.Empty(await Keys.ListAsync("ghost"));

        // The failed attempt leaves nothing behind that blocks the id or the secret.
        var key = await AddKeyAsync("acme-news", "key_0001");
        TenancyAssert.Equal(key, await Keys.FindBySecretHashAsync(SampleHash("key_0001")));
    }

    [Fact]
    public async Task Get_returns_the_key_of_its_own_tenant()
    {
        await AddTenantAsync("acme-news");
        var key = await AddKeyAsync("acme-news", "key_0001", expiresAt: T0.AddDays(1));

        TenancyAssert.Equal(key, await Keys.GetAsync("acme-news", "key_0001"));
    }

    [Fact]
    public async Task Get_with_another_tenant_returns_null()
    {
        await AddTenantAsync("acme-news");
        await AddTenantAsync("beta-blog");
        await AddKeyAsync("acme-news", "key_0001");

        Assert.Null(await Keys.GetAsync("beta-blog", "key_0001"));
        Assert.Null(await Keys.GetAsync("ghost", "key_0001"));
    }

    [Fact]
    public async Task Get_of_a_key_that_does_not_exist_returns_null()
    {
        await AddTenantAsync("acme-news");
        await AddKeyAsync("acme-news", "key_0001");

        Assert.Null(await Keys.GetAsync("acme-news", "key_0002"));
    }

    [Fact]
    public async Task List_returns_the_tenants_keys_newest_first_revoked_ones_included()
    {
        await AddTenantAsync("acme-news");
        await AddKeyAsync("acme-news", "key_b", T0.AddMinutes(1));
        await AddKeyAsync("acme-news", "key_c", T0.AddMinutes(3));
        await AddKeyAsync("acme-news", "key_a", T0.AddMinutes(2));
        await Keys.RevokeAsync("acme-news", "key_c", T0.AddMinutes(4));

        var listed = await Keys.ListAsync("acme-news");

        Assert.Equal(["key_c", "key_a", "key_b"], listed.Select(k => k.Id));
        Assert.Equal(T0.AddMinutes(4), listed[0].RevokedAt);
    }

    [Fact]
    public async Task Keys_created_at_the_same_moment_list_by_id_descending()
    {
        await AddTenantAsync("acme-news");
        await AddKeyAsync("acme-news", "key_b");
        await AddKeyAsync("acme-news", "key_c");
        await AddKeyAsync("acme-news", "key_a");

        Assert.Equal(["key_c", "key_b", "key_a"], (await Keys.ListAsync("acme-news")).Select(k => k.Id));
    }

    [Fact]
    public async Task List_returns_only_the_tenants_own_keys()
    {
        await AddTenantAsync("acme-news");
        await AddTenantAsync("beta-blog");
        await AddTenantAsync("empty-one");
        var acme = await AddKeyAsync("acme-news", "key_a1", T0);
        await AddKeyAsync("beta-blog", "key_b1", T0.AddMinutes(1));
        await AddKeyAsync("beta-blog", "key_b2", T0.AddMinutes(2));

        var listed = await Keys.ListAsync("acme-news");

        TenancyAssert.Equal(acme, Assert.Single(listed));
        Assert.Equal(["key_b2", "key_b1"], (await Keys.ListAsync("beta-blog")).Select(k => k.Id));
        Assert.Empty(await Keys.ListAsync("empty-one"));
        Assert.Empty(await Keys.ListAsync("ghost"));
    }

    [Fact]
    public async Task Revoke_marks_the_key_revoked_and_returns_it()
    {
        await AddTenantAsync("acme-news");
        var key = await AddKeyAsync("acme-news", "key_0001");

        var revoked = await Keys.RevokeAsync("acme-news", "key_0001", T0.AddHours(1));

        var expected = key with { RevokedAt = T0.AddHours(1) };
        TenancyAssert.Equal(expected, revoked);
        TenancyAssert.Equal(expected, await Keys.FindBySecretHashAsync(SampleHash("key_0001")));
        TenancyAssert.Equal(expected, await Keys.GetAsync("acme-news", "key_0001"));
    }

    [Fact]
    public async Task Revoking_a_revoked_key_keeps_its_first_revocation_time()
    {
        await AddTenantAsync("acme-news");
        await AddKeyAsync("acme-news", "key_0001");
        await Keys.RevokeAsync("acme-news", "key_0001", T0.AddHours(1));

        var again = await Keys.RevokeAsync("acme-news", "key_0001", T0.AddHours(2));
        var earlier = await Keys.RevokeAsync("acme-news", "key_0001", T0.AddMinutes(1));

        Assert.Equal(T0.AddHours(1), again!.RevokedAt);
        Assert.Equal(T0.AddHours(1), earlier!.RevokedAt);
        Assert.Equal(T0.AddHours(1), (await Keys.GetAsync("acme-news", "key_0001"))!.RevokedAt);
    }

    [Fact]
    public async Task Revoke_with_another_tenant_returns_null_and_leaves_the_key_active()
    {
        await AddTenantAsync("acme-news");
        await AddTenantAsync("beta-blog");
        var key = await AddKeyAsync("acme-news", "key_0001");

        Assert.Null(await Keys.RevokeAsync("beta-blog", "key_0001", T0.AddHours(1)));

        TenancyAssert.Equal(key, await Keys.FindBySecretHashAsync(SampleHash("key_0001")));
    }

    [Fact]
    public async Task Revoke_of_a_key_that_does_not_exist_returns_null()
    {
        await AddTenantAsync("acme-news");
        var key = await AddKeyAsync("acme-news", "key_0001");

        Assert.Null(await Keys.RevokeAsync("acme-news", "key_0002", T0.AddHours(1)));

        TenancyAssert.Equal(key, await Keys.GetAsync("acme-news", "key_0001"));
    }

    [Fact]
    public async Task Revoke_changes_only_the_key_named()
    {
        await AddTenantAsync("acme-news");
        await AddKeyAsync("acme-news", "key_0001");
        var other = await AddKeyAsync("acme-news", "key_0002");

        await Keys.RevokeAsync("acme-news", "key_0001", T0.AddHours(1));

        TenancyAssert.Equal(other, await Keys.GetAsync("acme-news", "key_0002"));
    }

    [Fact]
    public async Task Record_use_sets_the_last_used_time()
    {
        await AddTenantAsync("acme-news");
        var key = await AddKeyAsync("acme-news", "key_0001");

        await Keys.RecordUseAsync("key_0001", T0.AddMinutes(5));

        TenancyAssert.Equal(key with { LastUsedAt = T0.AddMinutes(5) }, await Keys.FindBySecretHashAsync(SampleHash("key_0001")));
    }

    [Fact]
    public async Task Record_use_never_moves_the_last_used_time_backwards()
    {
        await AddTenantAsync("acme-news");
        await AddKeyAsync("acme-news", "key_0001");

        await Keys.RecordUseAsync("key_0001", T0.AddMinutes(10));
        await Keys.RecordUseAsync("key_0001", T0.AddMinutes(5));
        Assert.Equal(T0.AddMinutes(10), (await Keys.GetAsync("acme-news", "key_0001"))!.LastUsedAt);

        await Keys.RecordUseAsync("key_0001", T0.AddMinutes(10));
        Assert.Equal(T0.AddMinutes(10), (await Keys.GetAsync("acme-news", "key_0001"))!.LastUsedAt);

        await Keys.RecordUseAsync("key_0001", T0.AddMinutes(20));
        Assert.Equal(T0.AddMinutes(20), (await Keys.GetAsync("acme-news", "key_0001"))!.LastUsedAt);
    }

    [Fact]
    public async Task Record_use_changes_only_the_key_named()
    {
        await AddTenantAsync("acme-news");
        await AddKeyAsync("acme-news", "key_0001");
        var other = await AddKeyAsync("acme-news", "key_0002");

        await Keys.RecordUseAsync("key_0001", T0.AddMinutes(5));

        TenancyAssert.Equal(other, await Keys.GetAsync("acme-news", "key_0002"));
    }

    [Fact]
    public async Task Record_use_of_a_key_that_does_not_exist_does_nothing()
    {
        await AddTenantAsync("acme-news");
        var key = await AddKeyAsync("acme-news", "key_0001");

        await Keys.RecordUseAsync("key_9999", T0.AddMinutes(5));

        TenancyAssert.Equal(key, Assert.Single(await Keys.ListAsync("acme-news")));
    }

    [Fact]
    public async Task Record_use_keeps_a_revoked_key_revoked()
    {
        await AddTenantAsync("acme-news");
        await AddKeyAsync("acme-news", "key_0001");
        await Keys.RevokeAsync("acme-news", "key_0001", T0.AddMinutes(1));

        await Keys.RecordUseAsync("key_0001", T0.AddMinutes(5));

        var key = await Keys.GetAsync("acme-news", "key_0001");
        Assert.Equal(T0.AddMinutes(1), key!.RevokedAt);
        Assert.Equal(T0.AddMinutes(5), key.LastUsedAt);
    }
}
