using System.Diagnostics;
using Allixios.AiRouting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Allixios.Benchmarks.AiRouting;

/// <summary>
/// <c>ai-overhead</c>, first part: the in-process routing decision (<see cref="AiRouter"/>'s check of the call, tenant
/// policy lookup, prompt estimate and ranking of the candidates) over a catalog of 50 deployments (10 providers × 5
/// models each, with spread prices, quality priors and context windows), as the DI-built router makes it. Each decision
/// is timed on its own with <see cref="Stopwatch.GetTimestamp"/> (whose own cost, a few tens of ns, is included);
/// prints p50 and p99 in µs for the default policy (cheapest over a quality floor) and for lowest latency (which also
/// sorts the candidates). Nothing is sent to the providers.
/// </summary>
internal static class AiDecisionScenario
{
    private const int Providers = 10;
    private const int ModelsPerProvider = 5;
    private const int Warmup = 50_000;
    private const int Samples = 200_000;

    public static int Run()
    {
        foreach (var (strategy, suffix) in new[] { (AiRoutingStrategy.Cheapest, ""), (AiRoutingStrategy.LowestLatency, ".lowest_latency") })
        {
            using var services = Build(strategy);
            var router = services.GetRequiredService<AiRouter>();
            IList<ChatMessage> messages =
            [
                new ChatMessage(ChatRole.System, "You are an editor who writes clear, friendly copy for a travel magazine."),
                new ChatMessage(ChatRole.User, string.Concat(Enumerable.Repeat("Write an article about walking the coast path from Porto to Vigo. ", 25))),
            ];
            var options = new ChatOptions { MaxOutputTokens = 800, AdditionalProperties = new() { [AiRouter.TenantIdProperty] = "tenant-42" } };
            var ranked = new int[router.Catalog.Deployments.Count];
            var count = 0;
            for (var i = 0; i < Warmup; i++)
            {
                count = router.Decide(messages, options, ranked, out _);
            }

            var ticks = new long[Samples];
            for (var i = 0; i < Samples; i++)
            {
                var start = Stopwatch.GetTimestamp();
                router.Decide(messages, options, ranked, out _);
                ticks[i] = Stopwatch.GetTimestamp() - start;
            }

            Array.Sort(ticks);
            var toMicros = 1_000_000.0 / Stopwatch.Frequency;
            new Figure($"ai.decision.p50{suffix}", Math.Round(ticks[Samples / 2] * toMicros, 3), "us").Print();
            new Figure($"ai.decision.p99{suffix}", Math.Round(ticks[(int)(Samples * 0.99)] * toMicros, 3), "us").Print();
            Console.Error.WriteLine($"{strategy}: {router.Catalog.Deployments.Count} deployments, {count} candidates ranked per decision, {Samples} samples");
        }

        return 0;
    }

    private static ServiceProvider Build(AiRoutingStrategy strategy)
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddAiRouting(o =>
        {
            o.UseDefaultPriceTable = false;
            o.DefaultPolicy.Strategy = strategy;
            o.DefaultPolicy.QualityFloor = 40;
            o.TenantPolicies["tenant-7"] = new AiRoutingPolicy { Strategy = AiRoutingStrategy.QualityFirst };
            var random = new Random(42);
            for (var p = 0; p < Providers; p++)
            {
                // Never called: the scenario times the decision only.
                o.Providers[$"provider-{p}"] = new AiProviderOptions { Kind = p % 2 == 0 ? AiProviderKind.OpenAi : AiProviderKind.Anthropic, BaseAddress = new Uri("http://127.0.0.1:9/v1/") };
                for (var m = 0; m < ModelsPerProvider; m++)
                {
                    var name = $"model-{p}-{m}";
                    o.Models[name] = new AiModelOverride
                    {
                        ContextWindow = m == 0 ? 8_192 : 32_000 * (m + 1),
                        MaxOutputTokens = 4_096,
                        InputCostPerToken = (decimal)(random.Next(1, 500) * 1e-8),
                        OutputCostPerToken = (decimal)(random.Next(1, 2000) * 1e-8),
                        QualityPrior = random.Next(20, 95),
                    };
                    o.Deployments.Add(new AiDeploymentOptions { Id = $"{name}@provider-{p}", Provider = $"provider-{p}", Model = name, Weight = random.Next(1, 10) });
                }
            }
        });
        return services.BuildServiceProvider();
    }
}
