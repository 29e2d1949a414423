using System.Security.Cryptography;

namespace Allixios.Webhooks;

/// <summary>
/// Signing secrets in the Standard Webhooks format: <c>whsec_</c> and the base64 of 24 random bytes. The bytes, not the
/// text, are the HMAC key; receivers decode it the same way.
/// </summary>
public static class WebhookSecret
{
    /// <summary>The prefix every secret starts with.</summary>
    public const string Prefix = "whsec_";

    private const int KeyBytes = 24;

    /// <summary>A new random secret.</summary>
    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>The key bytes of a secret, given with or without its <c>whsec_</c> prefix.</summary>
    /// <exception cref="ArgumentException">The rest is not base64, or decodes to nothing.</exception>
    public static byte[] Decode(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var encoded = secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret;
        try
        {
            var key = Convert.FromBase64String(encoded);
            return key.Length > 0 ? key : throw new ArgumentException("The webhook secret is empty.", nameof(secret));
        }
        catch (FormatException)
        {
            throw new ArgumentException("The webhook secret is not 'whsec_' followed by base64.", nameof(secret));
        }
    }
}
