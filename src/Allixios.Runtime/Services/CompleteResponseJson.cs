using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Allixios.Runtime.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Allixios.Runtime.Services;

/// <summary>
/// Writes a <see cref="CompleteResponse"/> as the JSON that transcoding's formatter writes for it (the same fields in
/// the same order, defaults included, int64 as strings, the latency as a protobuf duration string) with
/// <see cref="Utf8JsonWriter"/> straight into UTF-8: Google.Protobuf's reflective <see cref="JsonFormatter"/> building a
/// string was a few per cent of the completion endpoint's CPU. An answer from the response cache (with its timestamp
/// and similarity) is rare enough to leave to the formatter.
/// </summary>
internal static class CompleteResponseJson
{
    // As transcoding writes its answers: fields without presence written even when default, int64 as strings.
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    // Like the protobuf formatter: characters significant in HTML escaped, other non-ASCII text written as it is.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All), SkipValidation = true };

    /// <summary>Writes <paramref name="response"/> to <paramref name="output"/>.</summary>
    public static void Write(CompleteResponse response, IBufferWriter<byte> output)
    {
        if (response.CacheHit is not null)
        {
            WriteFormatted(response, output);
            return;
        }

        using var json = new Utf8JsonWriter(output, Options);
        json.WriteStartObject();
        json.WriteString("text"u8, response.Text);
        json.WriteString("finishReason"u8, response.FinishReason);
        if (response.Usage is { } usage)
        {
            json.WriteStartObject("usage"u8);
            json.WriteString("deployment"u8, usage.Deployment);
            json.WriteString("provider"u8, usage.Provider);
            json.WriteString("model"u8, usage.Model);
            WriteInt64(json, "inputTokens"u8, usage.InputTokens);
            WriteInt64(json, "cachedInputTokens"u8, usage.CachedInputTokens);
            WriteInt64(json, "outputTokens"u8, usage.OutputTokens);
            json.WriteBoolean("estimated"u8, usage.Estimated);
            json.WriteString("cost"u8, usage.Cost);
            json.WriteString("maximumCost"u8, usage.MaximumCost);
            json.WriteNumber("attempts"u8, usage.Attempts);
            if (usage.Latency is { } latency)
            {
                WriteDuration(json, "latency"u8, latency);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteFormatted(CompleteResponse response, IBufferWriter<byte> output)
    {
        var text = Formatter.Format(response);
        var bytes = output.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(System.Text.Encoding.UTF8.GetBytes(text, bytes));
    }

    private static void WriteInt64(Utf8JsonWriter json, ReadOnlySpan<byte> name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
        json.WriteString(name, digits[..length]);
    }

    /// <summary>A duration as protobuf's JSON mapping writes it: seconds, then 0, 3, 6 or 9 fractional digits, then "s".</summary>
    private static void WriteDuration(Utf8JsonWriter json, ReadOnlySpan<byte> name, Duration duration)
    {
        if (duration.Seconds < 0 || duration.Nanos < 0 || duration.Nanos >= Duration.NanosecondsPerSecond)
        {
            // Negative or unnormalized: rare enough (never from the router) to leave to protobuf's own formatting.
            json.WriteString(name, Formatter.Format(duration).Trim('"'));
            return;
        }

        Span<byte> text = stackalloc byte[32];
        duration.Seconds.TryFormat(text, out var length, provider: CultureInfo.InvariantCulture);
        var nanos = duration.Nanos;
        if (nanos != 0)
        {
            text[length++] = (byte)'.';
            var (value, format) = nanos % 1_000_000 == 0 ? (nanos / 1_000_000, "D3") : nanos % 1_000 == 0 ? (nanos / 1_000, "D6") : (nanos, "D9");
            value.TryFormat(text[length..], out var written, format, CultureInfo.InvariantCulture);
            length += written;
        }

        text[length++] = (byte)'s';
        json.WriteString(name, text[..length]);
    }
}
