using Allixios.Tenancy;
using Xunit;

namespace Allixios.Sdk.Tests.Tenancy;

public sealed class ApiScopesTests
{
    [Theory]
    [InlineData("admin")]
    [InlineData("content:read")]
    [InlineData("content:write")]
    [InlineData("jobs:write")]
    [InlineData("ai-routing:read")]
    [InlineData("a:read")]
    [InlineData("search2:write")]
    public void Well_formed_scopes_are_valid(string scope)
    {
        Assert.True(ApiScopes.IsValid(scope));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Admin")]
    [InlineData("content")]
    [InlineData("content:Read")]
    [InlineData("content:delete")]
    [InlineData("content:read:all")]
    [InlineData(" content:read")]
    [InlineData("2content:read")]
    [InlineData("-content:read")]
    [InlineData(":read")]
    [InlineData("*")]
    [InlineData("content:read\n")]
    public void Malformed_scopes_are_not_valid(string? scope)
    {
        Assert.False(ApiScopes.IsValid(scope));
    }

    [Fact]
    public void An_area_name_may_be_at_most_40_characters()
    {
        Assert.True(ApiScopes.IsValid(new string('a', 40) + ":read"));
        Assert.False(ApiScopes.IsValid(new string('a', 41) + ":read"));
    }

    [Fact]
    public void Every_named_scope_is_valid()
    {
        string[] named = [ApiScopes.Admin, ApiScopes.KeysRead, ApiScopes.KeysWrite, ApiScopes.ContentRead, ApiScopes.ContentWrite, ApiScopes.JobsRead, ApiScopes.JobsWrite];

        Assert.All(named, scope => Assert.True(ApiScopes.IsValid(scope), scope));
    }

    [Fact]
    public void A_granted_scope_satisfies_itself()
    {
        Assert.True(ApiScopes.Satisfies([ApiScopes.ContentRead], ApiScopes.ContentRead));
    }

    [Fact]
    public void Write_implies_read_of_the_same_area()
    {
        Assert.True(ApiScopes.Satisfies([ApiScopes.ContentWrite], ApiScopes.ContentRead));
    }

    [Fact]
    public void Read_does_not_imply_write()
    {
        Assert.False(ApiScopes.Satisfies([ApiScopes.ContentRead], ApiScopes.ContentWrite));
    }

    [Fact]
    public void Write_of_one_area_implies_nothing_in_another()
    {
        Assert.False(ApiScopes.Satisfies([ApiScopes.JobsWrite], ApiScopes.ContentRead));
        Assert.False(ApiScopes.Satisfies([ApiScopes.JobsWrite], ApiScopes.ContentWrite));
    }

    [Fact]
    public void Write_of_an_area_that_merely_ends_like_another_does_not_imply_its_read()
    {
        Assert.False(ApiScopes.Satisfies(["subcontent:write"], ApiScopes.ContentRead));
    }

    [Fact]
    public void Admin_satisfies_every_scope()
    {
        Assert.All(
            [ApiScopes.Admin, ApiScopes.ContentRead, ApiScopes.ContentWrite, ApiScopes.KeysWrite, "anything:write"],
            required => Assert.True(ApiScopes.Satisfies([ApiScopes.Admin], required), required));
    }

    [Fact]
    public void No_scopes_satisfy_nothing()
    {
        Assert.False(ApiScopes.Satisfies([], ApiScopes.ContentRead));
    }

    [Fact]
    public void Only_admin_satisfies_admin()
    {
        Assert.False(ApiScopes.Satisfies([ApiScopes.ContentWrite, ApiScopes.KeysWrite, ApiScopes.JobsWrite], ApiScopes.Admin));
    }

    [Fact]
    public void Normalize_trims_removes_duplicates_and_sorts()
    {
        var scopes = ApiScopes.Normalize([" jobs:write", "content:read ", "jobs:write", "content:read"], "acme-news");

        Assert.Equal(["content:read", "jobs:write"], scopes);
    }

    [Fact]
    public void Normalize_of_no_scopes_says_at_least_one_is_needed()
    {
        var error = Assert.Throws<AllixiosException>(() => ApiScopes.Normalize(null, "acme-news"));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("missing_scopes", error.Reason);
        Assert.Equal("missing_scopes", Assert.Throws<AllixiosException>(() => ApiScopes.Normalize([], "acme-news")).Reason);
    }

    [Fact]
    public void Normalize_of_a_malformed_scope_names_it()
    {
        var error = Assert.Throws<AllixiosException>(() => ApiScopes.Normalize(["content:read", "content:delete"], "acme-news"));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("invalid_scope", error.Reason);
        Assert.Contains("'content:delete'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_allows_admin_for_the_system_tenant_only()
    {
        Assert.Equal([ApiScopes.Admin], ApiScopes.Normalize([ApiScopes.Admin], TenantIds.System));

        var error = Assert.Throws<AllixiosException>(() => ApiScopes.Normalize([ApiScopes.Admin], "acme-news"));
        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("admin_scope_not_allowed", error.Reason);
        Assert.Contains("'acme-news'", error.Message, StringComparison.Ordinal);
    }
}
