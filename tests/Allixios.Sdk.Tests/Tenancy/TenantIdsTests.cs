using Allixios.Tenancy;
using Xunit;

namespace Allixios.Sdk.Tests.Tenancy;

public sealed class TenantIdsTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("acme-news")]
    [InlineData("123")]
    [InlineData("a-1")]
    [InlineData("a--b")]
    [InlineData(TenantIds.System)]
    public void Lower_case_letters_digits_and_inner_hyphens_are_valid(string id)
    {
        Assert.True(TenantIds.IsValid(id));
        TenantIds.Validate(id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("Acme")]
    [InlineData("acme_news")]
    [InlineData("acme.news")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("acme news")]
    [InlineData(" acme")]
    [InlineData("acme\n")]
    [InlineData("ácme")]
    public void Anything_else_is_invalid(string? id)
    {
        Assert.False(TenantIds.IsValid(id));
    }

    [Fact]
    public void Ids_may_be_3_to_63_characters()
    {
        Assert.True(TenantIds.IsValid(new string('a', 63)));
        Assert.False(TenantIds.IsValid(new string('a', 64)));
        Assert.True(TenantIds.IsValid("aaa"));
        Assert.False(TenantIds.IsValid("aa"));
    }

    [Fact]
    public void Validate_names_the_id_and_the_rule()
    {
        var error = Assert.Throws<AllixiosException>(() => TenantIds.Validate("Acme_News"));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("invalid_tenant_id", error.Reason);
        Assert.Contains("'Acme_News'", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 to 63 lower-case letters, digits and hyphens", error.Message, StringComparison.Ordinal);
    }
}
