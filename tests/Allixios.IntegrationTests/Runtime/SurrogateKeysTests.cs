using Allixios.Runtime.Caching;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The surrogate keys of a response, as Fastly and Cloudflare read them, in process.</summary>
public sealed class SurrogateKeysTests
{
    [Fact]
    public void Tags_are_sent_once_each_space_separated_for_fastly_and_comma_separated_for_cloudflare()
    {
        var keys = new SurrogateKeys();

        keys.Add("tenant:acme");
        keys.Add("api-keys:acme");
        keys.Add("tenant:acme");

        Assert.Equal("tenant:acme api-keys:acme", keys.ToSurrogateKeyHeader());
        Assert.Equal("tenant:acme,api-keys:acme", keys.ToCacheTagHeader());
    }

    [Theory]
    [InlineData("")]
    [InlineData("tenant acme")]
    [InlineData("tenant:acme,beta")]
    [InlineData("tenant:\"acme\"")]
    [InlineData("tenant:acmé")]
    [InlineData("tenant:\tacme")]
    public void A_tag_a_cdn_would_split_or_garble_is_refused_with_what_to_use(string tag)
    {
        var error = Assert.Throws<ArgumentException>(() => new SurrogateKeys().Add(tag));

        Assert.Contains("visible ASCII characters other than commas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_past_the_cdns_header_limit_are_refused_rather_than_dropped()
    {
        var keys = new SurrogateKeys();
        for (var i = 0; i < SurrogateKeys.MaxHeaderLength / 100; i++)
        {
            keys.Add($"item:{i}:" + new string('x', 90));
        }

        Assert.Throws<InvalidOperationException>(() => keys.Add("item:last:" + new string('x', 200)));
        Assert.True(keys.ToSurrogateKeyHeader().Length <= SurrogateKeys.MaxHeaderLength);
    }
}
