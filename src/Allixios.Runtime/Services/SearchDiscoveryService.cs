using Allixios.Runtime.Security;
using Allixios.Search.Analytics;
using Allixios.Search.Discovery;
using Allixios.Search.Hybrid;
using Allixios.Tenancy;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = Allixios.Runtime.Contracts.V1;

namespace Allixios.Runtime.Services;

/// <summary>Recommendations, click and interaction recording, query analytics and experiments, always in the API key's tenant.</summary>
internal sealed class SearchDiscoveryService(
    SearchRecommender recommender,
    SearchFeedback feedback,
    ISearchAnalyticsStore analytics,
    TimeProvider time) : V1.SearchDiscovery.SearchDiscoveryBase
{
    private const int DefaultTop = 10;
    private const int DefaultReportHours = 168;
    private const int MaxWindowHours = 8_784;

    public override async Task<V1.SearchRecommendationsResponse> MoreLikeThis(V1.MoreLikeThisRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        return ToResponse(await recommender.MoreLikeThisAsync(tenant, request.DocumentId, request.HasTopK ? request.TopK : DefaultTop, context.CancellationToken));
    }

    public override async Task<V1.SearchRecommendationsResponse> AlsoViewed(V1.AlsoViewedRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        var window = request.HasWindowHours ? WindowHours(request.WindowHours) : (TimeSpan?)null;
        return ToResponse(await recommender.AlsoViewedAsync(tenant, request.DocumentId, request.HasTopK ? request.TopK : DefaultTop, window, context.CancellationToken));
    }

    public override async Task<V1.SearchRecommendationsResponse> Recommend(V1.RecommendRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        var window = request.HasWindowHours ? WindowHours(request.WindowHours) : (TimeSpan?)null;
        return ToResponse(await recommender.RecommendAsync(
            tenant,
            request.DocumentId,
            request.HasTopK ? request.TopK : DefaultTop,
            request.HasContentWeight ? request.ContentWeight : null,
            request.HasBehaviourWeight ? request.BehaviourWeight : null,
            window,
            context.CancellationToken));
    }

    public override async Task<V1.RecordSearchClickResponse> RecordClick(V1.RecordSearchClickRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        if (!Guid.TryParse(request.QueryId, out var queryId))
        {
            throw AllixiosException("search_query_id_invalid", string.IsNullOrEmpty(request.QueryId)
                ? "Give the query_id of the query whose hit was clicked (its answer carries it)."
                : $"Query id '{Shorten(request.QueryId)}' is not a query id; quote the query_id of the query's answer.");
        }

        return new V1.RecordSearchClickResponse
        {
            Recorded = await feedback.RecordClickAsync(tenant, queryId, request.DocumentId, request.Position, context.CancellationToken),
        };
    }

    public override async Task<V1.RecordSearchInteractionResponse> RecordInteraction(V1.RecordSearchInteractionRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        var kind = request.Kind switch
        {
            V1.SearchInteractionKind.Unspecified or V1.SearchInteractionKind.View => InteractionKind.View,
            V1.SearchInteractionKind.Click => InteractionKind.Click,
            _ => throw AllixiosException("search_interaction_kind_invalid", $"Interaction kind {(int)request.Kind} is not known; use SEARCH_INTERACTION_KIND_VIEW or SEARCH_INTERACTION_KIND_CLICK."),
        };
        await feedback.RecordInteractionAsync(tenant, request.UserId, request.DocumentId, kind, context.CancellationToken);
        return new V1.RecordSearchInteractionResponse();
    }

    public override Task<V1.SearchQueryReportResponse> PopularQueries(V1.SearchQueryReportRequest request, ServerCallContext context)
        => ReportAsync(request, QueryStatsOrder.Searches, context);

    public override Task<V1.SearchQueryReportResponse> ZeroResultQueries(V1.SearchQueryReportRequest request, ServerCallContext context)
        => ReportAsync(request, QueryStatsOrder.ZeroResults, context);

    public override Task<V1.SearchQueryReportResponse> QueryClickThrough(V1.SearchQueryReportRequest request, ServerCallContext context)
        => ReportAsync(request, QueryStatsOrder.ClickThroughRate, context);

    public override async Task<V1.SearchExperiment> CreateExperiment(V1.CreateSearchExperimentRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchWrite);
        var experiment = new SearchExperiment(
            request.Id,
            request.Name,
            request.Arms.Select(ToArm).ToList(),
            ExperimentStatus.Running,
            time.GetUtcNow());
        await analytics.CreateExperimentAsync(tenant, experiment, context.CancellationToken);
        return ToContract(experiment);
    }

    public override async Task<V1.ListSearchExperimentsResponse> ListExperiments(V1.ListSearchExperimentsRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        var response = new V1.ListSearchExperimentsResponse();
        response.Experiments.Add((await analytics.ListExperimentsAsync(tenant, context.CancellationToken)).Select(ToContract));
        return response;
    }

    public override async Task<V1.SearchExperiment> GetExperiment(V1.GetSearchExperimentRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        return ToContract(await analytics.GetExperimentAsync(tenant, request.ExperimentId, context.CancellationToken) ?? throw ExperimentNotFound(request.ExperimentId));
    }

    public override async Task<V1.SearchExperiment> UpdateExperiment(V1.UpdateSearchExperimentRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchWrite);
        ExperimentStatus? status = request.Status switch
        {
            V1.SearchExperimentStatus.Unspecified => null,
            V1.SearchExperimentStatus.Running => ExperimentStatus.Running,
            V1.SearchExperimentStatus.Stopped => ExperimentStatus.Stopped,
            _ => throw AllixiosException("search_experiment_status_invalid", $"Status {(int)request.Status} is not known; use SEARCH_EXPERIMENT_STATUS_RUNNING or SEARCH_EXPERIMENT_STATUS_STOPPED."),
        };
        var updated = await analytics.UpdateExperimentAsync(tenant, request.ExperimentId, request.HasName ? request.Name : null, status, context.CancellationToken);
        return ToContract(updated);
    }

    public override async Task<V1.DeleteSearchExperimentResponse> DeleteExperiment(V1.DeleteSearchExperimentRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchWrite);
        if (!await analytics.DeleteExperimentAsync(tenant, request.ExperimentId, context.CancellationToken))
        {
            throw ExperimentNotFound(request.ExperimentId);
        }

        return new V1.DeleteSearchExperimentResponse();
    }

    public override async Task<V1.SearchExperimentResults> GetExperimentResults(V1.GetSearchExperimentRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        var results = await analytics.GetExperimentResultsAsync(tenant, request.ExperimentId, context.CancellationToken);
        var response = new V1.SearchExperimentResults { ExperimentId = request.ExperimentId };
        response.Arms.Add(results.Select(r => new V1.SearchExperimentArmResult
        {
            Arm = r.Arm,
            Searches = r.Searches,
            ClickedSearches = r.ClickedSearches,
            Clicks = r.Clicks,
            ClickThroughRate = r.ClickThroughRate,
        }));
        return response;
    }

    private async Task<V1.SearchQueryReportResponse> ReportAsync(V1.SearchQueryReportRequest request, QueryStatsOrder order, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        DateTimeOffset from, to;
        if (request.From is not null || request.To is not null)
        {
            if (request.HasWindowHours)
            {
                throw AllixiosException("search_window_invalid", "Give either windowHours or from and to, not both.");
            }

            if (request.From is null || request.To is null)
            {
                throw AllixiosException("search_window_invalid", "Give both from and to (RFC 3339 times), or neither and windowHours.");
            }

            from = request.From.ToDateTimeOffset();
            to = request.To.ToDateTimeOffset();
        }
        else
        {
            to = time.GetUtcNow();
            from = to - (request.HasWindowHours ? WindowHours(request.WindowHours) : TimeSpan.FromHours(DefaultReportHours));
        }

        var stats = await analytics.GetQueryStatsAsync(
            tenant,
            new QueryStatsRequest(from, to) { Order = order, Top = request.HasTop ? request.Top : DefaultTop },
            context.CancellationToken);
        var response = new V1.SearchQueryReportResponse { From = Timestamp.FromDateTimeOffset(from), To = Timestamp.FromDateTimeOffset(to) };
        response.Queries.Add(stats.Select(s => new V1.SearchQueryStat
        {
            Query = s.Query,
            Searches = s.Searches,
            ZeroResultSearches = s.ZeroResultSearches,
            ClickedSearches = s.ClickedSearches,
            Clicks = s.Clicks,
            ClickThroughRate = s.ClickThroughRate,
        }));
        return response;
    }

    private static TimeSpan WindowHours(int hours) => hours is >= 1 and <= MaxWindowHours
        ? TimeSpan.FromHours(hours)
        : throw AllixiosException("search_window_invalid", $"windowHours is {hours}; use 1 to {MaxWindowHours} (366 days).");

    private static ExperimentArm ToArm(V1.SearchExperimentArm arm)
    {
        var ranking = arm.Ranking ?? new V1.SearchRankingConfig();
        var mode = ranking.Mode switch
        {
            V1.SearchMode.Unspecified or V1.SearchMode.Lexical => SearchMode.Lexical,
            V1.SearchMode.Semantic => SearchMode.Semantic,
            V1.SearchMode.Hybrid => SearchMode.Hybrid,
            _ => throw AllixiosException("search_experiment_arms_invalid", $"Arm '{arm.Name}' has mode {(int)ranking.Mode}, which is not known; use SEARCH_MODE_LEXICAL, SEARCH_MODE_SEMANTIC or SEARCH_MODE_HYBRID."),
        };
        FusionMethod? fusion = ranking.Fusion switch
        {
            V1.SearchFusion.Unspecified => null,
            V1.SearchFusion.ReciprocalRank => FusionMethod.ReciprocalRank,
            V1.SearchFusion.WeightedScores => FusionMethod.WeightedScores,
            _ => throw AllixiosException("search_experiment_arms_invalid", $"Arm '{arm.Name}' has fusion {(int)ranking.Fusion}, which is not known; use SEARCH_FUSION_RECIPROCAL_RANK or SEARCH_FUSION_WEIGHTED_SCORES."),
        };
        return new ExperimentArm(arm.Name, arm.Weight, new RankingConfig(mode)
        {
            Fusion = fusion,
            LexicalWeight = ranking.HasLexicalWeight ? ranking.LexicalWeight : null,
            RrfK = ranking.HasRrfK ? ranking.RrfK : null,
        });
    }

    private static V1.SearchExperiment ToContract(SearchExperiment experiment)
    {
        var contract = new V1.SearchExperiment
        {
            Id = experiment.Id,
            Name = experiment.Name,
            Status = experiment.Status == ExperimentStatus.Stopped ? V1.SearchExperimentStatus.Stopped : V1.SearchExperimentStatus.Running,
            CreatedAt = Timestamp.FromDateTimeOffset(experiment.CreatedAt),
        };
        foreach (var arm in experiment.Arms)
        {
            var ranking = new V1.SearchRankingConfig
            {
                Mode = arm.Ranking.Mode switch
                {
                    SearchMode.Semantic => V1.SearchMode.Semantic,
                    SearchMode.Hybrid => V1.SearchMode.Hybrid,
                    _ => V1.SearchMode.Lexical,
                },
                Fusion = arm.Ranking.Fusion switch
                {
                    FusionMethod.ReciprocalRank => V1.SearchFusion.ReciprocalRank,
                    FusionMethod.WeightedScores => V1.SearchFusion.WeightedScores,
                    _ => V1.SearchFusion.Unspecified,
                },
            };
            if (arm.Ranking.LexicalWeight is { } weight)
            {
                ranking.LexicalWeight = weight;
            }

            if (arm.Ranking.RrfK is { } k)
            {
                ranking.RrfK = k;
            }

            contract.Arms.Add(new V1.SearchExperimentArm { Name = arm.Name, Weight = arm.Weight, Ranking = ranking });
        }

        return contract;
    }

    private static V1.SearchRecommendationsResponse ToResponse(IReadOnlyList<Recommendation> recommendations)
    {
        var response = new V1.SearchRecommendationsResponse();
        foreach (var r in recommendations)
        {
            var contract = new V1.SearchRecommendation { Id = r.Id, Score = r.Score, Title = r.Title };
            contract.Sources.Add(r.Sources);
            response.Recommendations.Add(contract);
        }

        return response;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static AllixiosException ExperimentNotFound(string experimentId)
        => new(AllixiosErrorKind.NotFound, "search_experiment_not_found", $"The tenant has no experiment '{Shorten(experimentId)}'.");

    private static AllixiosException AllixiosException(string reason, string message) => new(AllixiosErrorKind.InvalidArgument, reason, message);

    private static string TenantOf(ServerCallContext context, string scope)
    {
        var caller = Caller.From(context);
        caller.Require(scope);
        return caller.TenantId;
    }
}
