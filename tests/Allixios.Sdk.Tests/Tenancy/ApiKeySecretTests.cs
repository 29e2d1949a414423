using Allixios.Tenancy;
using Xunit;

namespace Allixios.Sdk.Tests.Tenancy;

public sealed class ApiKeySecretTests
{
    [Fact]
    public void Generated_secret_is_the_prefix_and_256_bits_in_base64url()
    {
        var secret = ApiKeySecret.Generate();

        Assert.StartsWith("alx_", secret, StringComparison.Ordinal);
        var body = secret[ApiKeySecret.Prefix.Length..];
        Assert.Equal(43, body.Length);
        Assert.All(body, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not base64url"));
        var padded = body.Replace('-', '+').Replace('_', '/') + "=";
        Assert.Equal(32, Convert.FromBase64String(padded).Length);
    }

    [Fact]
    public void Generated_secrets_differ()
    {
        var secrets = Enumerable.Range(0, 1000).Select(_ => ApiKeySecret.Generate()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(1000, secrets.Count);
    }

    [Fact]
    public void Hash_is_the_sha256_of_the_utf8_secret()
    {
        // SHA-256("abc"), FIPS 180-2 test vector.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(ApiKeySecret.Hash("abc")));
    }

    [Fact]
    public void Hash_is_the_same_for_the_same_secret_and_differs_for_another()
    {
        var secret = ApiKeySecret.Generate();

        Assert.Equal(ApiKeySecret.Hash(secret), ApiKeySecret.Hash(secret));
        Assert.NotEqual(ApiKeySecret.Hash(secret), ApiKeySecret.Hash(secret + "x"));
        Assert.Equal(32, ApiKeySecret.Hash(secret).Length);
    }

    [Fact]
    public void Display_prefix_shows_the_first_12_characters_of_a_generated_secret()
    {
        var secret = ApiKeySecret.Generate();

        Assert.Equal(secret[..12], ApiKeySecret.DisplayPrefix(secret));
    }

    [Theory]
    [InlineData("abcdefghijkl", "abcd")]
    [InlineData("abcdefghijklm", "abcdefghijkl")]
    [InlineData("abc", "abc")]
    [InlineData("", "")]
    public void Display_prefix_of_a_short_secret_shows_at_most_four_characters(string secret, string expected)
    {
        Assert.Equal(expected, ApiKeySecret.DisplayPrefix(secret));
    }

    [Fact]
    public void Key_ids_are_key_and_16_hex_digits_and_differ()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => ApiKeySecret.NewKeyId()).ToList();

        Assert.All(ids, id => Assert.Matches("^key_[0-9a-f]{16}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
