using System.Diagnostics.Metrics;
using Allixios.Diagnostics;

namespace Allixios.Webhooks;

/// <summary>The webhook instruments on the Allixios meter.</summary>
internal static class WebhookInstruments
{
    public static readonly Counter<long> Attempts = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.webhooks.attempts",
        unit: "{attempt}",
        description: "Webhook delivery attempts this process made, by event type and outcome (delivered, retrying, failed, disabled).");

    public static readonly Histogram<double> Duration = AllixiosTelemetry.Meter.CreateHistogram<double>(
        "allixios.webhooks.attempt_duration",
        unit: "s",
        description: "How long webhook delivery attempts took, by outcome.");
}
