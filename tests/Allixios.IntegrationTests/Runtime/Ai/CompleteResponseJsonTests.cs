using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Services;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace Allixios.IntegrationTests.Runtime.Ai;

/// <summary>
/// The completion endpoint's own JSON writer against the formatter transcoding uses: the same JSON (fields, order,
/// defaults, int64 as strings, durations), whatever the text holds.
/// </summary>
public sealed class CompleteResponseJsonTests
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static TheoryData<string> Texts => new()
    {
        "Hello from the stub.",
        "",
        "Quotes \" and backslashes \\ and\nnew lines\tand tabs\u0001 and \u007f",
        "<script>alert('x & y')</script> = +`",
        "Português: coração, 東京, emoji 🚶‍♀️, separators \u2028\u2029, soft\u00adhyphen",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_routed_answer_is_the_json_transcoding_writes(string text)
    {
        var response = new CompleteResponse
        {
            Text = text,
            FinishReason = "stop",
            Usage = new AiUsage
            {
                Deployment = "gpt-4o-mini@stub",
                Provider = "stub",
                Model = "gpt-4o-mini",
                InputTokens = 61,
                CachedInputTokens = 0,
                OutputTokens = long.MaxValue,
                Estimated = true,
                Cost = "0.0000123",
                MaximumCost = "0.000249",
                Attempts = 2,
                Latency = Duration.FromTimeSpan(TimeSpan.FromTicks(12_345)),
            },
        };

        AssertSameJson(response);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(10_000L)]
    [InlineData(12_340L)]
    [InlineData(12_345L)]
    [InlineData(36_000_000_000L)]
    [InlineData(36_000_012_300L)]
    public void Latencies_are_written_with_protobufs_fractional_digits(long ticks)
    {
        var response = new CompleteResponse
        {
            Text = "x",
            Usage = new AiUsage { Latency = Duration.FromTimeSpan(TimeSpan.FromTicks(ticks)) },
        };

        AssertSameJson(response);
    }

    [Fact]
    public void An_answer_without_usage_or_latency_leaves_them_out_as_the_formatter_does()
    {
        AssertSameJson(new CompleteResponse());
        AssertSameJson(new CompleteResponse { Text = "x", Usage = new AiUsage() });
        AssertSameJson(new CompleteResponse { Text = "x", Usage = new AiUsage { Latency = new Duration { Seconds = -1, Nanos = -500_000_000 } } });
    }

    [Fact]
    public void An_answer_from_the_response_cache_is_the_formatters_own_output()
    {
        var response = new CompleteResponse
        {
            Text = "cached",
            FinishReason = "stop",
            Usage = new AiUsage { Deployment = "d", Latency = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(3)) },
            CacheHit = new AiCacheHit { Kind = "semantic", EntryId = "e1", Similarity = 0.9731, CachedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 26, 3, 0, 0, 120, TimeSpan.Zero)) },
        };

        Assert.Equal(Formatter.Format(response), Written(response));
    }

    [Fact]
    public void The_writer_covers_every_field_of_the_answer_so_a_field_added_to_the_contract_fails_here()
    {
        // CompleteResponseJson writes these fields by name: a new field in ai.proto must be added there too.
        Assert.Equal(["text", "finish_reason", "usage", "cache_hit"], CompleteResponse.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name));
        Assert.Equal(
            ["deployment", "provider", "model", "input_tokens", "cached_input_tokens", "output_tokens", "estimated", "cost", "maximum_cost", "attempts", "latency"],
            AiUsage.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name));
    }

    private static void AssertSameJson(CompleteResponse response)
    {
        var expected = Formatter.Format(response);
        var written = Written(response);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(written)), $"expected {expected}\nwritten  {written}");
        // The same fields in the same order, not only the same values.
        Assert.Equal(Names(expected), Names(written));
        // And what a client reads back through protobuf's parser is the same message.
        Assert.Equal(response, JsonParser.Default.Parse<CompleteResponse>(written));
    }

    private static string Written(CompleteResponse response)
    {
        var buffer = new ArrayBufferWriter<byte>();
        CompleteResponseJson.Write(response, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static List<string> Names(string json)
    {
        var names = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                names.Add(reader.GetString()!);
            }
        }

        return names;
    }
}
