using Allixios;
using Allixios.Content;
using Allixios.Orchestration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the built-in content pipeline to Allixios.</summary>
public static class AllixiosContentBuilderExtensions
{
    /// <summary>
    /// Adds the <c>content.generate</c> job type (<see cref="ContentGeneration.JobType"/>) with its payload schema
    /// (<see cref="ContentBrief.JsonSchema"/>) and its handler, <see cref="ContentGenerationHandler"/>: a brief → a
    /// streamed completion through the AI router within the tenant's budget → a quality score → the draft stored as the
    /// job's result. Adds what it needs: orchestration, AI routing (configure providers and deployments with
    /// <c>AddAiRouting</c>), quality scoring and job results. Calling it again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddContentGeneration(this IAllixiosBuilder builder, Action<ContentGenerationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<ContentGenerationOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.AddAiRouting().AddQualityScoring().AddJobResults();
        if (!services.Any(s => s.ImplementationInstance is JobTypeRegistration { HandlerType: var handler } && handler == typeof(ContentGenerationHandler)))
        {
            builder.AddJobHandler<ContentGenerationHandler>(ContentGeneration.JobType, ContentBrief.JsonSchema);
        }

        return builder;
    }
}
