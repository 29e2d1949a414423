using System.Globalization;
using Allixios.Usage;
using Microsoft.Extensions.Options;

namespace Allixios.Quality;

/// <summary>
/// Cost recommendations from the usage ledger and the quality ledger: for each job type and each model its calls went
/// to, the cheapest other model whose mean quality on that job type met the job type's floor (over at least
/// <see cref="QualityScoringOptions.MinimumScores"/> scores) and whose cost per answered call of that job type was lower,
/// with the saving had the current model's calls gone to it.
/// </summary>
/// <param name="usage">The usage ledger (costs).</param>
/// <param name="quality">The quality ledger (scores).</param>
/// <param name="options">Floors and the least number of scores.</param>
public sealed class ModelRecommendations(IUsageLedger usage, IQualityLedger quality, IOptions<QualityScoringOptions> options)
{
    /// <summary>The recommendations, largest saving first.</summary>
    /// <exception cref="AllixiosException">InvalidArgument (<c>invalid_quality_floor</c>, <c>invalid_time_range</c>): a floor outside 0–100 or an empty time range.</exception>
    public async ValueTask<IReadOnlyList<ModelRecommendation>> GetAsync(RecommendationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.QualityFloor is { } floor && (double.IsNaN(floor) || floor is < 0 or > 100))
        {
            throw AllixiosException.Invalid("invalid_quality_floor", string.Create(CultureInfo.InvariantCulture, $"The quality floor is {floor}; it must be 0 to 100."));
        }

        if (query.From is { } from && query.To is { } to && to <= from)
        {
            throw AllixiosException.Invalid("invalid_time_range", $"The end time {to:O} is not after the start time {from:O}.");
        }

        var settings = options.Value;
        var costs = await usage.SummarizeAsync(
            new UsageQuery(query.TenantId) { From = query.From, To = query.To, JobType = query.JobType },
            UsageDimensions.JobType | UsageDimensions.Model,
            cancellationToken);
        var scores = (await quality.SummarizeAsync(new QualityQuery(query.TenantId) { From = query.From, To = query.To, JobType = query.JobType }, cancellationToken))
            .Where(s => s.JobType is not null)
            .ToDictionary(s => (s.JobType!, s.Model));
        var recommendations = new List<ModelRecommendation>();
        foreach (var group in costs.Where(c => c.JobType is not null && c.Model is not null && c.Calls > c.Failures).GroupBy(c => (JobType: c.JobType!, c.Currency)))
        {
            var jobType = group.Key.JobType;
            var jobFloor = query.QualityFloor ?? (settings.QualityFloors.TryGetValue(jobType, out var configured) ? configured : settings.DefaultQualityFloor);
            var rows = group.Select(c => (Model: c.Model!, Answered: c.Calls - c.Failures, c.Cost, PerCall: Math.Round(c.Cost / (c.Calls - c.Failures), 10))).ToList();
            var qualified = rows
                .Where(r => scores.TryGetValue((jobType, r.Model), out var s) && s.Count >= settings.MinimumScores && s.AverageScore >= jobFloor)
                .OrderBy(r => r.PerCall)
                .ThenBy(r => r.Model, StringComparer.Ordinal)
                .ToList();
            foreach (var current in rows)
            {
                var better = qualified.FirstOrDefault(q => q.PerCall < current.PerCall && !string.Equals(q.Model, current.Model, StringComparison.Ordinal));
                if (better.Model is null)
                {
                    continue;
                }

                var recommendedScores = scores[(jobType, better.Model)];
                recommendations.Add(new ModelRecommendation(jobType, current.Model, better.Model, group.Key.Currency)
                {
                    QualityFloor = jobFloor,
                    CurrentCalls = current.Answered,
                    CurrentCost = current.Cost,
                    CurrentCostPerCall = current.PerCall,
                    CurrentQuality = scores.TryGetValue((jobType, current.Model), out var own) ? Math.Round(own.AverageScore, 1) : null,
                    RecommendedQuality = Math.Round(recommendedScores.AverageScore, 1),
                    RecommendedScores = recommendedScores.Count,
                    RecommendedCostPerCall = better.PerCall,
                    EstimatedSaving = Math.Max(0, current.Cost - (current.Answered * better.PerCall)),
                });
            }
        }

        return [.. recommendations.OrderByDescending(r => r.EstimatedSaving).ThenBy(r => r.JobType, StringComparer.Ordinal).ThenBy(r => r.CurrentModel, StringComparer.Ordinal)];
    }
}
