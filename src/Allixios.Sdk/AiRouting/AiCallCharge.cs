using Microsoft.Extensions.AI;

namespace Allixios.AiRouting;

/// <summary>
/// The one place a routed call is priced: <see cref="MaximumCost"/> is what <see cref="AiCallMeter"/> reserves before a
/// deployment is called, <see cref="Settle"/> what to settle with once it has answered. It settles once per call, so a
/// call that failed over (or a stream that fell over before its first token) is never charged twice.
/// </summary>
internal sealed class AiCallCharge
{
    private int _settled;

    public AiCallCharge(long promptTokens, int maxOutputTokens)
    {
        PromptTokens = promptTokens;
        MaxOutputTokens = maxOutputTokens;
    }

    /// <summary>The estimated prompt tokens.</summary>
    public long PromptTokens { get; }

    /// <summary>The output bound sent to the provider.</summary>
    public int MaxOutputTokens { get; }

    /// <summary>The most the call can cost on <paramref name="model"/>.</summary>
    public decimal MaximumCost(AiModel model) => (PromptTokens * model.InputCostPerToken) + (MaxOutputTokens * model.OutputCostPerToken);

    /// <summary>
    /// Prices the call with the provider's usage, or, when the provider reported none, with an estimate from the
    /// prompt estimate and the characters written (a stream that ignores <c>include_usage</c> is not free).
    /// </summary>
    /// <exception cref="InvalidOperationException">The call was settled already.</exception>
    public AiUsageReport Settle(AiDeployment deployment, UsageDetails? usage, long outputCharacters, int attempts, TimeSpan latency)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            throw new InvalidOperationException("A routed call was settled twice; it would have been charged twice.");
        }

        var model = deployment.Model;
        var estimated = usage?.InputTokenCount is null && usage?.OutputTokenCount is null;
        var input = usage?.InputTokenCount ?? PromptTokens;
        var output = usage?.OutputTokenCount ?? ((outputCharacters + 3) / 4);
        var cached = Math.Clamp(usage?.CachedInputTokenCount ?? 0, 0, input);
        var cost = ((input - cached) * model.InputCostPerToken) + (cached * model.CachedInputCostPerToken) + (output * model.OutputCostPerToken);
        return new AiUsageReport
        {
            DeploymentId = deployment.Id,
            ProviderName = deployment.ProviderName,
            Model = model.Name,
            InputTokens = input,
            CachedInputTokens = cached,
            OutputTokens = output,
            UsageEstimated = estimated,
            Cost = cost,
            MaximumCost = MaximumCost(model),
            Attempts = attempts,
            Latency = latency,
        };
    }
}
