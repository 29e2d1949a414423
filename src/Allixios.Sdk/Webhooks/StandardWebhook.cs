using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Allixios.Webhooks;

/// <summary>
/// Signing and verifying per the Standard Webhooks specification: the signature is <c>v1,</c> and the base64 of
/// HMAC-SHA256, keyed with the secret's decoded bytes, over <c>{webhook-id}.{webhook-timestamp}.{body}</c>. Receivers
/// call <see cref="Verify"/> with the three headers and the raw body (the n8n trigger node does the same in TypeScript).
/// </summary>
public static class StandardWebhook
{
    /// <summary>The header with the message id, the same on every attempt: receivers use it to drop repeats.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The header with the attempt's time in Unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The header with the space-separated signatures, each <c>v1,</c> and base64.</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>How far a timestamp may be from the receiver's clock by default: 5 minutes, as the specification suggests.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string Version = "v1";

    /// <summary>The <c>webhook-signature</c> value for a message: <c>v1,</c> and the base64 HMAC-SHA256.</summary>
    /// <param name="secret">The subscription's secret, <c>whsec_</c> and base64 (the prefix is optional).</param>
    /// <param name="messageId">The <c>webhook-id</c>.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c>; only whole seconds are signed.</param>
    /// <param name="body">The exact body sent.</param>
    public static string Sign(string secret, string messageId, DateTimeOffset timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(body);
        return Version + "," + Convert.ToBase64String(Hash(WebhookSecret.Decode(secret), messageId, timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), body));
    }

    /// <summary>
    /// Checks a received message: the headers must all be present, the timestamp within <paramref name="tolerance"/> of
    /// <paramref name="now"/> (so a captured message cannot be replayed later), and one of the <c>v1</c> signatures must
    /// match. Comparison is in constant time.
    /// </summary>
    /// <param name="secret">The subscription's secret, <c>whsec_</c> and base64.</param>
    /// <param name="body">The raw body as received, before any JSON parsing.</param>
    /// <param name="webhookId">The <c>webhook-id</c> header.</param>
    /// <param name="webhookTimestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="webhookSignature">The <c>webhook-signature</c> header.</param>
    /// <param name="now">The receiver's clock.</param>
    /// <param name="tolerance">How far the timestamp may be from <paramref name="now"/> either way; default <see cref="DefaultTolerance"/>.</param>
    /// <exception cref="WebhookVerificationException">The message is not authentic or not fresh; the message says which check failed.</exception>
    public static void Verify(string secret, string body, string? webhookId, string? webhookTimestamp, string? webhookSignature, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrEmpty(webhookSignature))
        {
            throw new WebhookVerificationException($"The message lacks a required header: {IdHeader}, {TimestampHeader} and {SignatureHeader} must all be present.");
        }

        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new WebhookVerificationException($"The {TimestampHeader} header '{webhookTimestamp}' is not a Unix time in seconds.");
        }

        var limit = tolerance ?? DefaultTolerance;
        var skew = now.ToUnixTimeSeconds() - seconds;
        if (skew > limit.TotalSeconds)
        {
            throw new WebhookVerificationException($"The message timestamp is too old ({skew} s before now, more than the {limit.TotalSeconds} s tolerance).");
        }

        if (-skew > limit.TotalSeconds)
        {
            throw new WebhookVerificationException($"The message timestamp is too new ({-skew} s after now, more than the {limit.TotalSeconds} s tolerance).");
        }

        var expected = Hash(WebhookSecret.Decode(secret), webhookId, webhookTimestamp, body);
        foreach (var candidate in webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = candidate.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !candidate.AsSpan(0, comma).SequenceEqual(Version))
            {
                continue;
            }

            var signature = new byte[expected.Length];
            if (Convert.TryFromBase64String(candidate[(comma + 1)..], signature, out var written)
                && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(signature, expected))
            {
                return;
            }
        }

        throw new WebhookVerificationException("No v1 signature in the webhook-signature header matches the message: check the secret, and that the body is passed exactly as received.");
    }

    private static byte[] Hash(byte[] key, string messageId, string timestamp, string body) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(messageId + "." + timestamp + "." + body));
}
