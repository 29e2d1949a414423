using Allixios.Quality;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Grpc.Core;
using Wire = Allixios.Runtime.Contracts.V1;

namespace Allixios.Runtime.Services;

/// <summary>Quality scoring and the model recommendations over gRPC and HTTP/JSON.</summary>
internal sealed class QualityService(QualityEnsemble ensemble, ModelRecommendations recommendations) : Wire.Quality.QualityBase
{
    public override async Task<Wire.QualityReport> ScoreQuality(Wire.ScoreQualityRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        // The judge is a routed call charged to the tenant, so asking for it needs the scope that spends.
        caller.Require(request.HasUseJudge && request.UseJudge ? ApiScopes.AiWrite : ApiScopes.AiRead);
        var report = await ensemble.ScoreAsync(
            new QualityRequest(request.Text)
            {
                Kind = Kind(request.Kind),
                Keywords = [.. request.Keywords],
                // 0 is proto3's unset; a negative length is the ensemble's to refuse (quality_length_invalid).
                TargetWords = request.TargetWords == 0 ? null : request.TargetWords,
                Language = request.Language.Length == 0 ? null : request.Language,
                JsonSchema = request.JsonSchema.Length == 0 ? null : request.JsonSchema,
                Brief = request.Brief.Length == 0 ? null : request.Brief,
                UseJudge = request.HasUseJudge ? request.UseJudge : null,
                Weights = request.Weights.Count == 0 ? null : new Dictionary<string, double>(request.Weights),
                TenantId = caller.TenantId,
            },
            context.CancellationToken);
        var response = new Wire.QualityReport { Score = report.Score };
        response.Components.Add(report.Components.Select(c =>
        {
            var line = new Wire.QualityComponent
            {
                Name = c.Name,
                Status = c.Status.ToString().ToLowerInvariant(),
                Weight = c.Weight,
                Share = c.Share,
                Detail = c.Detail,
            };
            if (c.Score is { } score)
            {
                line.Score = score;
            }

            return line;
        }));
        return response;
    }

    public override async Task<Wire.ListModelRecommendationsResponse> ListModelRecommendations(Wire.ListModelRecommendationsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var tenantId = request.TenantId.Length == 0 ? caller.TenantId : request.TenantId;
        caller.Require(ApiScopes.UsageRead, tenantId);
        var found = await recommendations.GetAsync(
            new RecommendationQuery(tenantId)
            {
                From = request.StartTime?.ToDateTimeOffset(),
                To = request.EndTime?.ToDateTimeOffset(),
                JobType = request.JobType.Length == 0 ? null : request.JobType,
                QualityFloor = request.HasQualityFloor ? request.QualityFloor : null,
            },
            context.CancellationToken);
        var response = new Wire.ListModelRecommendationsResponse();
        response.Recommendations.Add(found.Select(r =>
        {
            var line = new Wire.ModelRecommendation
            {
                JobType = r.JobType,
                CurrentModel = r.CurrentModel,
                RecommendedModel = r.RecommendedModel,
                Currency = r.Currency,
                QualityFloor = r.QualityFloor,
                CurrentCalls = r.CurrentCalls,
                CurrentCost = UsageMapping.Text(r.CurrentCost),
                CurrentCostPerCall = UsageMapping.Text(r.CurrentCostPerCall),
                RecommendedQuality = r.RecommendedQuality,
                RecommendedScores = r.RecommendedScores,
                RecommendedCostPerCall = UsageMapping.Text(r.RecommendedCostPerCall),
                EstimatedSaving = UsageMapping.Text(r.EstimatedSaving),
            };
            if (r.CurrentQuality is { } quality)
            {
                line.CurrentQuality = quality;
            }

            return line;
        }));
        return response;
    }

    private static QualityContentKind Kind(string name) => name switch
    {
        "" or "text" => QualityContentKind.Text,
        "article" => QualityContentKind.Article,
        "json" => QualityContentKind.Json,
        _ => throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "quality_kind_invalid", $"Kind '{name}' is not known: use text, article or json."),
    };
}
