using System.Security.Cryptography;
using System.Text;

namespace Allixios.Tenancy;

/// <summary>
/// Makes API key secrets and their hashes. A secret is <c>alx_</c> followed by 256 random bits in base64url;
/// with that much entropy a plain SHA-256 is a safe one-way hash, and looking a key up by its hash needs no key id
/// in the secret. Keys set by hand (the bootstrap key) are hashed the same way.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>The prefix of every generated secret, so secret scanners and people recognise one.</summary>
    public const string Prefix = "alx_";

    private const int DisplayPrefixLength = 12;

    /// <summary>Makes a new random secret.</summary>
    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The hash stored for <paramref name="secret"/>.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The part of <paramref name="secret"/> that is safe to show: its first characters.</summary>
    public static string DisplayPrefix(string secret) => secret.Length <= DisplayPrefixLength ? secret[..Math.Min(4, secret.Length)] : secret[..DisplayPrefixLength];

    internal static string NewKeyId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
