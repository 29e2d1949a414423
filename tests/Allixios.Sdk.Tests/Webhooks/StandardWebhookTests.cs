using Allixios.Webhooks;
using Xunit;

namespace Allixios.Sdk.Tests.Webhooks;

public sealed class StandardWebhookTests
{
    // The test vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks, e.g.
    // libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs, verifyWebhookSignWorks).
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Body = "{\"test\": 2432232314}";
    private const string Expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly DateTimeOffset Timestamp = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    [Fact]
    public void Signing_the_specifications_test_vector_gives_its_published_signature()
    {
        Assert.Equal(Expected, StandardWebhook.Sign(Secret, MessageId, Timestamp, Body));
        // The prefix is optional, as in the reference libraries.
        Assert.Equal(Expected, StandardWebhook.Sign(Secret["whsec_".Length..], MessageId, Timestamp, Body));
    }

    [Fact]
    public void The_test_vector_verifies_within_the_tolerance_and_among_other_signatures()
    {
        StandardWebhook.Verify(Secret, Body, MessageId, "1614265330", Expected, Timestamp);
        StandardWebhook.Verify(Secret, Body, MessageId, "1614265330", Expected, Timestamp.AddMinutes(5));
        StandardWebhook.Verify(Secret, Body, MessageId, "1614265330", Expected, Timestamp.AddMinutes(-5));
        StandardWebhook.Verify(Secret, Body, MessageId, "1614265330", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + Expected, Timestamp);
        StandardWebhook.Verify(Secret, Body, MessageId, "1614265330", Expected, Timestamp.AddHours(1), TimeSpan.FromHours(2));
    }

    [Theory]
    [InlineData(null, "1614265330", Expected, "required header")]
    [InlineData(MessageId, null, Expected, "required header")]
    [InlineData(MessageId, "1614265330", null, "required header")]
    [InlineData(MessageId, "16142653x0", Expected, "not a Unix time")]
    [InlineData(MessageId, "1614264929", Expected, "too old")]
    [InlineData(MessageId, "1614265631", Expected, "too new")]
    [InlineData(MessageId, "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd", "No v1 signature")]
    [InlineData(MessageId, "1614265330", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "No v1 signature")]
    [InlineData("msg_other", "1614265330", Expected, "No v1 signature")]
    public void A_message_with_a_missing_stale_or_wrong_header_is_refused_saying_why(string? id, string? timestamp, string? signature, string why)
    {
        var error = Assert.Throws<WebhookVerificationException>(() => StandardWebhook.Verify(Secret, Body, id, timestamp, signature, Timestamp));
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_body_or_another_secret_does_not_verify()
    {
        Assert.Throws<WebhookVerificationException>(() => StandardWebhook.Verify(Secret, "{\"test\":2432232314}", MessageId, "1614265330", Expected, Timestamp));
        Assert.Throws<WebhookVerificationException>(() => StandardWebhook.Verify(WebhookSecret.Generate(), Body, MessageId, "1614265330", Expected, Timestamp));
    }

    [Fact]
    public void Generated_secrets_are_whsec_and_24_random_bytes_and_sign_what_they_verify()
    {
        var a = WebhookSecret.Generate();
        var b = WebhookSecret.Generate();
        Assert.Matches("^whsec_[A-Za-z0-9+/]{32}$", a);
        Assert.NotEqual(a, b);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        StandardWebhook.Verify(a, "{}", "msg_1", "1800000000", StandardWebhook.Sign(a, "msg_1", now, "{}"), now);
        Assert.Throws<ArgumentException>(() => WebhookSecret.Decode("whsec_not base64!"));
    }
}
