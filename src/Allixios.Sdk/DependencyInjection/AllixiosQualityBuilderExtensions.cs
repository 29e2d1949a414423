using Allixios;
using Allixios.AiRouting;
using Allixios.Quality;
using Allixios.Quality.Scorers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds quality scoring to Allixios.</summary>
public static class AllixiosQualityBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="QualityEnsemble"/> with the built-in scorers (readability, structure, keywords, length,
    /// repetition, JSON schema, model-as-judge; the judge asks the app's <c>IChatClient</c>, the AI router when
    /// <c>AddAiRouting</c> is called), the <see cref="IQualityLedger"/> (PostgreSQL when <c>UsePostgres</c> is called,
    /// in either order; else in memory), <see cref="QualityFeedback"/> (ledger and router) and
    /// <see cref="ModelRecommendations"/> (which also adds the usage ledger). Scorers registered as
    /// <see cref="IQualityScorer"/> join the ensemble. Calling it again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddQualityScoring(this IAllixiosBuilder builder, Action<QualityScoringOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<QualityScoringOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.AddUsage();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQualityScorer, ReadabilityScorer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQualityScorer, StructureScorer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQualityScorer, KeywordCoverageScorer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQualityScorer, LengthFitScorer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQualityScorer, RepetitionScorer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQualityScorer, JsonSchemaScorer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQualityScorer, ModelJudgeScorer>());
        services.TryAddSingleton<QualityEnsemble>();
        services.TryAddSingleton<IQualityLedger>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresQualityLedger(dataSource)
            : new InMemoryQualityLedger());
        // The router's moving quality is rebuilt from the ledger at start and before the first score is fed (when
        // AddAiRouting is called too, in either order).
        services.TryAddSingleton(sp => new QualityEstimateRestore(sp.GetRequiredService<IQualityLedger>(), sp.GetService<AiRouter>(), sp.GetService<ILogger<QualityEstimateRestore>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAllixiosStartupTask, QualityEstimateRestore>(sp => sp.GetRequiredService<QualityEstimateRestore>()));
        services.TryAddSingleton(sp => new QualityFeedback(sp.GetRequiredService<IQualityLedger>(), sp.GetService<AiRouter>(), sp.GetRequiredService<QualityEstimateRestore>()));
        services.TryAddSingleton<ModelRecommendations>();
        return builder;
    }
}
