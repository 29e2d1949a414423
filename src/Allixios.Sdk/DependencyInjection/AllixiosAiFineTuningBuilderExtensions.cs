using Allixios;
using Allixios.AiRouting.FineTuning;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds fine-tuning on OpenAI-compatible providers to Allixios.</summary>
public static class AllixiosAiFineTuningBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="AiFineTuningClient"/> (submit, read, list and cancel fine-tuning jobs over the router's providers)
    /// and <see cref="AiFineTuningTracker"/>, a hosted service that polls tracked jobs until they end and registers the
    /// models of those that succeed. Adds the AI router if it is not there yet. Options are checked at start. Calling it
    /// again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddAiFineTuning(this IAllixiosBuilder builder, Action<AiFineTuningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<AiFineTuningOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(s => s.ServiceType == typeof(AiFineTuningClient)))
        {
            return builder;
        }

        builder.AddAiRouting();
        services.TryAddSingleton<AiFineTuningClient>();
        services.TryAddSingleton<AiFineTuningTracker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AiFineTuningTracker>());
        return builder;
    }
}
