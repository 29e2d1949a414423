using Allixios.Tenancy;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Testing.Tenancy;

/// <summary>
/// <see cref="TenantAdministration"/> and <see cref="ApiKeyAuthenticator"/> over an implementation's stores: the
/// behaviour a host relies on, whichever stores it runs on. Derive once per implementation.
/// </summary>
public abstract class TenantAdministrationConformance : TenancyConformance
{
    private const string Actor = "key_operator";

    /// <summary>The clock of the service under test; starts at <see cref="TenancyConformance.T0"/>.</summary>
    protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The engine options; change them before the first call that uses them.</summary>
    protected AllixiosOptions EngineOptions { get; } = new() { ApiKeyLastUsedResolution = TimeSpan.FromMinutes(1) };

    private TenantAdministration Administration => new(Stores.Tenants, Stores.ApiKeys, Stores.AuditLog, Time);

    private ApiKeyAuthenticator Authenticator => new(Stores.ApiKeys, Time, Options.Create(EngineOptions));

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("Acme")]
    [InlineData("acme_news")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("acme news")]
    [InlineData("acme-news\n")]
    public async Task Creating_a_tenant_with_an_invalid_id_says_what_to_fix(string id)
    {
        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.InvalidArgument,
            async () => await Administration.CreateTenantAsync(new NewTenant(id), Actor));

        Assert.Equal("invalid_tenant_id", error.Reason);
        Assert.Contains($"'{id}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("lower-case letters, digits and hyphens", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Stores.Tenants.ListAsync(null, 10));
    }

    [Fact]
    public async Task Created_tenant_is_stored_and_audited()
    {
        var created = await Administration.CreateTenantAsync(
            new NewTenant("acme-news", " Acme News ", new Dictionary<string, long> { ["jobs.concurrency"] = 4 }, new Dictionary<string, bool> { ["search.semantic"] = true }),
            Actor);

        Assert.Equal("Acme News", created.DisplayName);
        Assert.Equal(T0, created.CreatedAt);
        TenancyAssert.Equal(created, await Stores.Tenants.GetAsync("acme-news"));
        var entry = Assert.Single(await Stores.AuditLog.ListAsync("acme-news", 10));
        TenancyAssert.Equal(new AuditEntry("acme-news", Actor, "tenant.create", "acme-news", T0, new Dictionary<string, string> { ["display_name"] = "Acme News" }), entry);
    }

    [Fact]
    public async Task Tenant_without_a_display_name_is_named_by_its_id()
    {
        var created = await Administration.CreateTenantAsync(new NewTenant("acme-news", "  "), Actor);

        Assert.Equal("acme-news", created.DisplayName);
    }

    [Fact]
    public async Task Creating_a_tenant_twice_fails_with_AlreadyExists()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news", "First"), Actor);

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.AlreadyExists,
            async () => await Administration.CreateTenantAsync(new NewTenant("acme-news", "Second"), Actor));

        Assert.Equal("tenant_exists", error.Reason);
        Assert.Equal("First", (await Stores.Tenants.GetAsync("acme-news"))!.DisplayName);
        Assert.Single(await Stores.AuditLog.ListAsync("acme-news", 10));
    }

    [Theory]
    [InlineData("jobs concurrency")]
    [InlineData("")]
    [InlineData("jobs/concurrency")]
    public async Task Creating_a_tenant_with_a_bad_limit_name_says_what_to_fix(string name)
    {
        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.InvalidArgument,
            async () => await Administration.CreateTenantAsync(new NewTenant("acme-news", Limits: new Dictionary<string, long> { [name] = 1 }), Actor));

        Assert.Equal("invalid_setting_name", error.Reason);
        Assert.Contains("letters, digits", error.Message, StringComparison.Ordinal);
        Assert.Null(await Stores.Tenants.GetAsync("acme-news"));
    }

    [Fact]
    public async Task Creating_a_tenant_with_a_negative_limit_says_what_to_fix()
    {
        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.InvalidArgument,
            async () => await Administration.CreateTenantAsync(new NewTenant("acme-news", Limits: new Dictionary<string, long> { ["jobs.concurrency"] = -1 }), Actor));

        Assert.Equal("invalid_limit", error.Reason);
        Assert.Contains("zero or more", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Getting_a_tenant_that_does_not_exist_fails_with_NotFound()
    {
        var error = await TenancyAssert.FailsAsync(AllixiosErrorKind.NotFound, async () => await Administration.GetTenantAsync("ghost"));

        Assert.Equal("tenant_not_found", error.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(TenantAdministration.MaxPageSize + 1)]
    public async Task Listing_tenants_with_a_page_size_out_of_range_says_the_range(int limit)
    {
        var error = await TenancyAssert.FailsAsync(AllixiosErrorKind.InvalidArgument, async () => await Administration.ListTenantsAsync(null, limit));

        Assert.Equal("invalid_page_size", error.Reason);
        Assert.Contains($"1 to {TenantAdministration.MaxPageSize}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_tenants_pages_after_the_id_given()
    {
        foreach (var id in new[] { "ccc", "aaa", "bbb" })
        {
            await Administration.CreateTenantAsync(new NewTenant(id), Actor);
        }

        Assert.Equal(["aaa", "bbb"], (await Administration.ListTenantsAsync(string.Empty, 2)).Select(t => t.Id));
        Assert.Equal(["ccc"], (await Administration.ListTenantsAsync("bbb", 2)).Select(t => t.Id));
    }

    [Fact]
    public async Task Update_sets_and_removes_limits_and_features_and_is_audited()
    {
        await Administration.CreateTenantAsync(
            new NewTenant("acme-news", "Acme", new Dictionary<string, long> { ["jobs.concurrency"] = 4, ["ai.budget"] = 100 }, new Dictionary<string, bool> { ["search.semantic"] = true, ["content.seo"] = true }),
            Actor);
        Time.Advance(TimeSpan.FromMinutes(3));

        var updated = await Administration.UpdateTenantAsync(
            "acme-news",
            new TenantChanges("Acme News", new Dictionary<string, long> { ["jobs.concurrency"] = 8, ["ai.budget"] = -1 }, new Dictionary<string, bool> { ["search.semantic"] = false }, ["content.seo"]),
            Actor);

        var expected = new Tenant(
            "acme-news",
            "Acme News",
            new Dictionary<string, long> { ["jobs.concurrency"] = 8 },
            new Dictionary<string, bool> { ["search.semantic"] = false },
            T0,
            T0.AddMinutes(3));
        TenancyAssert.Equal(expected, updated);
        TenancyAssert.Equal(expected, await Stores.Tenants.GetAsync("acme-news"));
        var entry = (await Stores.AuditLog.ListAsync("acme-news", 10))[0];
        Assert.Equal("tenant.update", entry.Action);
        Assert.Equal("8", entry.Details["limit.jobs.concurrency"]);
        Assert.Equal("removed", entry.Details["feature.content.seo"]);
    }

    [Fact]
    public async Task Updating_a_tenant_that_does_not_exist_fails_with_NotFound()
    {
        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.NotFound,
            async () => await Administration.UpdateTenantAsync("ghost", new TenantChanges("Ghost"), Actor));

        Assert.Equal("tenant_not_found", error.Reason);
        Assert.Null(await Stores.Tenants.GetAsync("ghost"));
    }

    [Fact]
    public async Task Issued_key_secret_authenticates_as_the_tenant_with_its_scopes()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);

        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n production", [ApiScopes.JobsWrite, ApiScopes.ContentRead, ApiScopes.JobsWrite]), Actor);

        Assert.StartsWith(ApiKeySecret.Prefix, issued.Secret, StringComparison.Ordinal);
        Assert.Equal(ApiKeySecret.DisplayPrefix(issued.Secret), issued.Key.Prefix);
        Assert.Equal([ApiScopes.ContentRead, ApiScopes.JobsWrite], issued.Key.Scopes);
        var result = await Authenticator.AuthenticateAsync(issued.Secret);
        Assert.Equal(ApiKeyAuthenticationOutcome.Succeeded, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal("acme-news", result.Key!.TenantId);
        Assert.Equal(issued.Key.Id, result.Key.Id);
        Assert.Equal([ApiScopes.ContentRead, ApiScopes.JobsWrite], result.Key.Scopes);
    }

    [Fact]
    public async Task Only_the_hash_of_an_issued_secret_is_stored()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);

        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);

        TenancyAssert.Equal(issued.Key, await Stores.ApiKeys.FindBySecretHashAsync(ApiKeySecret.Hash(issued.Secret)));
        var listed = Assert.Single(await Administration.ListApiKeysAsync("acme-news"));
        Assert.DoesNotContain(issued.Secret, listed.ToString(), StringComparison.Ordinal);
        Assert.All(await Stores.AuditLog.ListAsync("acme-news", 10), e => Assert.DoesNotContain(issued.Secret, string.Join(' ', e.Details.Values), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_presented_secret_with_surrounding_whitespace_authenticates()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);

        Assert.True((await Authenticator.AuthenticateAsync($"  {issued.Secret}\n")).Succeeded);
    }

    [Theory]
    [InlineData(null, ApiKeyAuthenticationOutcome.Missing)]
    [InlineData("", ApiKeyAuthenticationOutcome.Missing)]
    [InlineData("   ", ApiKeyAuthenticationOutcome.Missing)]
    [InlineData("alx_not-a-key-anyone-has", ApiKeyAuthenticationOutcome.Unknown)]
    public async Task A_missing_or_unknown_secret_is_refused_with_a_message(string? secret, ApiKeyAuthenticationOutcome outcome)
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);

        var result = await Authenticator.AuthenticateAsync(secret);

        Assert.Equal(outcome, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Null(result.Key);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public async Task Issuing_a_key_for_a_tenant_that_does_not_exist_fails_with_NotFound()
    {
        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.NotFound,
            async () => await Administration.IssueApiKeyAsync("ghost", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor));

        Assert.Equal("tenant_not_found", error.Reason);
    }

    [Fact]
    public async Task Revoked_key_no_longer_authenticates()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);
        Assert.True((await Authenticator.AuthenticateAsync(issued.Secret)).Succeeded);
        Time.Advance(TimeSpan.FromMinutes(2));

        var revoked = await Administration.RevokeApiKeyAsync("acme-news", issued.Key.Id, Actor);

        Assert.Equal(T0.AddMinutes(2), revoked.RevokedAt);
        var result = await Authenticator.AuthenticateAsync(issued.Secret);
        Assert.Equal(ApiKeyAuthenticationOutcome.Revoked, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Equal(issued.Key.Id, result.Key!.Id);
        Assert.Contains(issued.Key.Id, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_a_revoked_key_keeps_its_revocation_time()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);
        await Administration.RevokeApiKeyAsync("acme-news", issued.Key.Id, Actor);
        Time.Advance(TimeSpan.FromHours(1));

        var again = await Administration.RevokeApiKeyAsync("acme-news", issued.Key.Id, Actor);

        Assert.Equal(T0, again.RevokedAt);
    }

    [Fact]
    public async Task Revoking_another_tenants_key_fails_with_NotFound_and_leaves_it_working()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        await Administration.CreateTenantAsync(new NewTenant("beta-blog"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.NotFound,
            async () => await Administration.RevokeApiKeyAsync("beta-blog", issued.Key.Id, Actor));

        Assert.Equal("api_key_not_found", error.Reason);
        Assert.True((await Authenticator.AuthenticateAsync(issued.Secret)).Succeeded);
    }

    [Fact]
    public async Task Key_authenticates_until_its_expiry_and_not_from_then_on()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead], T0.AddHours(1)), Actor);

        Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(ApiKeyAuthenticationOutcome.Succeeded, (await Authenticator.AuthenticateAsync(issued.Secret)).Outcome);

        Time.Advance(TimeSpan.FromSeconds(1));
        var result = await Authenticator.AuthenticateAsync(issued.Secret);
        Assert.Equal(ApiKeyAuthenticationOutcome.Expired, result.Outcome);
        Assert.Equal(T0.AddHours(1), result.Key!.ExpiresAt);
        Assert.Contains("expired", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remembered_key_revoked_through_the_administration_stops_authenticating_at_once()
    {
        var authenticator = Authenticator;
        var administration = new TenantAdministration(Stores.Tenants, Stores.ApiKeys, Stores.AuditLog, Time, authenticator);
        await administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);
        Assert.True((await authenticator.AuthenticateAsync(issued.Secret)).Succeeded);
        Assert.True((await authenticator.AuthenticateAsync(issued.Secret)).Succeeded);

        await administration.RevokeApiKeyAsync("acme-news", issued.Key.Id, Actor);

        Assert.Equal(ApiKeyAuthenticationOutcome.Revoked, (await authenticator.AuthenticateAsync(issued.Secret)).Outcome);
    }

    [Fact]
    public async Task A_remembered_key_is_refused_from_its_expiry_on()
    {
        var authenticator = Authenticator;
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead], T0.AddSeconds(3)), Actor);
        Assert.True((await authenticator.AuthenticateAsync(issued.Secret)).Succeeded);

        Time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(ApiKeyAuthenticationOutcome.Expired, (await authenticator.AuthenticateAsync(issued.Secret)).Outcome);
    }

    [Fact]
    public async Task A_key_revoked_by_another_replica_stops_authenticating_here_within_the_cache_duration()
    {
        EngineOptions.ApiKeyCacheDuration = TimeSpan.FromSeconds(10);
        var authenticator = Authenticator;
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);
        Assert.True((await authenticator.AuthenticateAsync(issued.Secret)).Succeeded);

        // Another replica revokes it in the shared store; this one remembered the key as verified a moment ago.
        await Administration.RevokeApiKeyAsync("acme-news", issued.Key.Id, Actor);
        Time.Advance(TimeSpan.FromSeconds(9));
        Assert.True((await authenticator.AuthenticateAsync(issued.Secret)).Succeeded);

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ApiKeyAuthenticationOutcome.Revoked, (await authenticator.AuthenticateAsync(issued.Secret)).Outcome);
    }

    [Fact]
    public async Task With_no_cache_duration_a_key_revoked_elsewhere_stops_at_once()
    {
        EngineOptions.ApiKeyCacheDuration = TimeSpan.Zero;
        var authenticator = Authenticator;
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);
        Assert.True((await authenticator.AuthenticateAsync(issued.Secret)).Succeeded);

        await Administration.RevokeApiKeyAsync("acme-news", issued.Key.Id, Actor);

        Assert.Equal(ApiKeyAuthenticationOutcome.Revoked, (await authenticator.AuthenticateAsync(issued.Secret)).Outcome);
    }

    [Fact]
    public async Task Expiry_given_with_a_utc_offset_is_the_same_instant()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);

        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead], T0.AddHours(1).ToOffset(TimeSpan.FromHours(5))), Actor);

        Assert.Equal(T0.AddHours(1), (await Stores.ApiKeys.GetAsync("acme-news", issued.Key.Id))!.ExpiresAt);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ApiKeyAuthenticationOutcome.Expired, (await Authenticator.AuthenticateAsync(issued.Secret)).Outcome);
    }

    [Fact]
    public async Task Issuing_a_key_that_expires_in_the_past_says_what_to_fix()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.InvalidArgument,
            async () => await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead], T0), Actor));

        Assert.Equal("invalid_expiry", error.Reason);
        Assert.Contains("future", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Stores.ApiKeys.ListAsync("acme-news"));
    }

    [Fact]
    public async Task Last_used_time_is_written_at_most_once_per_resolution()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);

        Assert.Equal(T0, (await Authenticator.AuthenticateAsync(issued.Secret)).Key!.LastUsedAt);
        Assert.Equal(T0, await StoredLastUseAsync());

        Time.Advance(TimeSpan.FromSeconds(59));
        var withinWindow = await Authenticator.AuthenticateAsync(issued.Secret);
        Assert.True(withinWindow.Succeeded);
        Assert.Equal(T0, withinWindow.Key!.LastUsedAt);
        Assert.Equal(T0, await StoredLastUseAsync());

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(T0.AddMinutes(1), (await Authenticator.AuthenticateAsync(issued.Secret)).Key!.LastUsedAt);
        Assert.Equal(T0.AddMinutes(1), await StoredLastUseAsync());

        async Task<DateTimeOffset?> StoredLastUseAsync() => (await Stores.ApiKeys.GetAsync("acme-news", issued.Key.Id))!.LastUsedAt;
    }

    [Fact]
    public async Task Last_used_time_is_written_on_every_use_when_the_resolution_is_zero()
    {
        EngineOptions.ApiKeyLastUsedResolution = TimeSpan.Zero;
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);

        await Authenticator.AuthenticateAsync(issued.Secret);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Authenticator.AuthenticateAsync(issued.Secret);

        Assert.Equal(T0.AddSeconds(1), (await Stores.ApiKeys.GetAsync("acme-news", issued.Key.Id))!.LastUsedAt);
    }

    [Fact]
    public async Task Admin_scope_is_refused_for_a_tenant_other_than_system()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.InvalidArgument,
            async () => await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("too powerful", [ApiScopes.ContentRead, ApiScopes.Admin]), Actor));

        Assert.Equal("admin_scope_not_allowed", error.Reason);
        Assert.Contains(ApiScopes.KeysWrite, error.Message, StringComparison.Ordinal);
        Assert.Empty(await Stores.ApiKeys.ListAsync("acme-news"));
    }

    [Theory]
    [InlineData("Content:Read")]
    [InlineData("content")]
    [InlineData("content:delete")]
    [InlineData("content:read:all")]
    [InlineData("")]
    [InlineData("*")]
    public async Task Malformed_scopes_are_refused_naming_the_scope(string scope)
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.InvalidArgument,
            async () => await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead, scope]), Actor));

        Assert.Equal("invalid_scope", error.Reason);
        Assert.Contains($"'{scope}'", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Stores.ApiKeys.ListAsync("acme-news"));
    }

    [Fact]
    public async Task Scopes_are_trimmed_deduplicated_and_sorted()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);

        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [" jobs:write\n", "content:read", "jobs:write"]), Actor);

        Assert.Equal([ApiScopes.ContentRead, ApiScopes.JobsWrite], issued.Key.Scopes);
        Assert.Equal([ApiScopes.ContentRead, ApiScopes.JobsWrite], (await Stores.ApiKeys.GetAsync("acme-news", issued.Key.Id))!.Scopes);
    }

    [Fact]
    public async Task A_key_without_scopes_is_refused()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.InvalidArgument,
            async () => await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", []), Actor));

        Assert.Equal("missing_scopes", error.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_key_without_a_name_is_refused(string name)
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);

        var error = await TenancyAssert.FailsAsync(
            AllixiosErrorKind.InvalidArgument,
            async () => await Administration.IssueApiKeyAsync("acme-news", new NewApiKey(name, [ApiScopes.ContentRead]), Actor));

        Assert.Equal("invalid_name", error.Reason);
    }

    [Fact]
    public async Task Ensuring_the_admin_key_creates_the_system_tenant_and_a_key_that_authenticates_as_admin()
    {
        const string secret = "bootstrap-admin-key-0123456789";

        Assert.False(await Administration.HasActiveAdminKeyAsync());
        Assert.True(await Administration.EnsureAdminKeyAsync(secret, "bootstrap"));

        Assert.NotNull(await Stores.Tenants.GetAsync(TenantIds.System));
        Assert.True(await Administration.HasActiveAdminKeyAsync());
        var result = await Authenticator.AuthenticateAsync(secret);
        Assert.True(result.Succeeded);
        Assert.Equal(TenantIds.System, result.Key!.TenantId);
        Assert.Equal([ApiScopes.Admin], result.Key.Scopes);
        Assert.True(ApiScopes.Satisfies(result.Key.Scopes, ApiScopes.JobsWrite));
    }

    [Fact]
    public async Task Ensuring_the_same_admin_key_again_changes_nothing()
    {
        const string secret = "bootstrap-admin-key-0123456789";
        Assert.True(await Administration.EnsureAdminKeyAsync(secret, "bootstrap"));
        var auditBefore = await Stores.AuditLog.ListAsync(TenantIds.System, 100);
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(await Administration.EnsureAdminKeyAsync(secret, "bootstrap"));

        Assert.Single(await Stores.ApiKeys.ListAsync(TenantIds.System));
        Assert.Equal(auditBefore.Count, (await Stores.AuditLog.ListAsync(TenantIds.System, 100)).Count);
        Assert.Equal(
            ["api_key.bootstrap", "tenant.create"],
            auditBefore.Select(e => e.Action));
    }

    [Fact]
    public async Task Replicas_ensuring_the_same_admin_key_at_once_register_it_once()
    {
        const string secret = "bootstrap-admin-key-0123456789";
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replicas = Enumerable.Range(0, 5).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await new TenantAdministration(Stores.Tenants, Stores.ApiKeys, Stores.AuditLog, Time).EnsureAdminKeyAsync(secret, "bootstrap");
        })).ToList();

        start.SetResult();
        var registered = await Task.WhenAll(replicas);

        Assert.Single(registered, r => r);
        Assert.Single(await Stores.ApiKeys.ListAsync(TenantIds.System));
        Assert.Single(await Stores.AuditLog.ListAsync(TenantIds.System, 100), e => e.Action == "tenant.create");
        Assert.Single(await Stores.AuditLog.ListAsync(TenantIds.System, 100), e => e.Action == "api_key.bootstrap");
        Assert.True((await Authenticator.AuthenticateAsync(secret)).Succeeded);
    }

    [Fact]
    public async Task A_second_admin_key_joins_the_first_in_the_existing_system_tenant()
    {
        Assert.True(await Administration.EnsureAdminKeyAsync("bootstrap-admin-key-0123456789", "first"));

        Assert.True(await Administration.EnsureAdminKeyAsync("another-admin-key-0123456789", "second"));

        Assert.Equal(2, (await Stores.ApiKeys.ListAsync(TenantIds.System)).Count);
        Assert.Single(await Stores.AuditLog.ListAsync(TenantIds.System, 100), e => e.Action == "tenant.create");
    }

    [Fact]
    public async Task Revoked_admin_key_does_not_count_as_an_active_one()
    {
        const string secret = "bootstrap-admin-key-0123456789";
        await Administration.EnsureAdminKeyAsync(secret, "bootstrap");
        var key = (await Authenticator.AuthenticateAsync(secret)).Key!;

        await Administration.RevokeApiKeyAsync(TenantIds.System, key.Id, Actor);

        Assert.False(await Administration.HasActiveAdminKeyAsync());
    }

    [Fact]
    public async Task Issuing_and_revoking_keys_are_audited_newest_first()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        Time.Advance(TimeSpan.FromSeconds(1));
        var issued = await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n production", [ApiScopes.JobsWrite, ApiScopes.ContentRead]), Actor);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Administration.RevokeApiKeyAsync("acme-news", issued.Key.Id, "key_other");

        var entries = await Administration.ListAuditLogAsync("acme-news", 10);

        Assert.Equal(3, entries.Count);
        TenancyAssert.Equal(
            new AuditEntry("acme-news", "key_other", "api_key.revoke", issued.Key.Id, T0.AddSeconds(2), new Dictionary<string, string> { ["name"] = "n8n production" }),
            entries[0]);
        TenancyAssert.Equal(
            new AuditEntry("acme-news", Actor, "api_key.create", issued.Key.Id, T0.AddSeconds(1), new Dictionary<string, string> { ["name"] = "n8n production", ["scopes"] = "content:read jobs:write" }),
            entries[1]);
        Assert.Equal("tenant.create", entries[2].Action);
        Assert.Equal(["api_key.revoke"], (await Administration.ListAuditLogAsync("acme-news", 1)).Select(e => e.Action));
    }

    [Fact]
    public async Task Audit_entries_of_one_tenant_are_not_listed_for_another()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), Actor);
        await Administration.CreateTenantAsync(new NewTenant("beta-blog"), Actor);
        await Administration.IssueApiKeyAsync("acme-news", new NewApiKey("n8n", [ApiScopes.ContentRead]), Actor);

        Assert.Equal(["tenant.create"], (await Administration.ListAuditLogAsync("beta-blog", 10)).Select(e => e.Action));
    }

    [Fact]
    public async Task An_empty_actor_is_audited_as_unknown()
    {
        await Administration.CreateTenantAsync(new NewTenant("acme-news"), " ");

        Assert.Equal("unknown", Assert.Single(await Stores.AuditLog.ListAsync("acme-news", 10)).Actor);
    }

    [Fact]
    public async Task Listing_the_audit_log_of_a_tenant_that_does_not_exist_fails_with_NotFound()
    {
        await TenancyAssert.FailsAsync(AllixiosErrorKind.NotFound, async () => await Administration.ListAuditLogAsync("ghost", 10));
    }
}
