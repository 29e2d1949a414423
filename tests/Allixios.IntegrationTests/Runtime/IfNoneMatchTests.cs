using Allixios.Runtime.Caching;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The runtime's ETags and its reading of If-None-Match (RFC 9110 §13.1.2), in process.</summary>
public sealed class IfNoneMatchTests
{
    private static readonly string Tag = EntityTags.Compute("{\"tenantId\":\"acme\"}"u8);

    [Fact]
    public void An_etag_is_a_quoted_strong_tag_that_follows_the_bytes()
    {
        Assert.Matches("^\"[A-Za-z0-9_-]{22}\"$", Tag);
        Assert.Equal(Tag, EntityTags.Compute("{\"tenantId\":\"acme\"}"u8));
        Assert.NotEqual(Tag, EntityTags.Compute("{\"tenantId\":\"acmf\"}"u8));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("{0}")]
    [InlineData("W/{0}")]
    [InlineData("\"old\", {0}")]
    [InlineData("W/\"old\",W/{0} , \"older\"")]
    public void A_header_that_names_the_current_tag_or_any_matches(string header)
        => Assert.True(IfNoneMatch.Matches(string.Format(System.Globalization.CultureInfo.InvariantCulture, header, Tag), Tag));

    [Theory]
    [InlineData("")]
    [InlineData("\"old\"")]
    [InlineData("W/\"old\", \"older\"")]
    [InlineData("not-a-tag")]
    [InlineData("\"unterminated")]
    public void A_header_that_does_not_name_the_current_tag_or_does_not_parse_does_not_match(string header)
        => Assert.False(IfNoneMatch.Matches(header, Tag));

    [Fact]
    public void Several_header_lines_are_read_as_one_list()
        => Assert.True(IfNoneMatch.Matches(new Microsoft.Extensions.Primitives.StringValues(["\"old\"", Tag]), Tag));
}
