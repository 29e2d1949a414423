using System.Diagnostics;
using System.Globalization;
using Allixios.Diagnostics;
using Microsoft.Extensions.Options;

namespace Allixios.Quality;

/// <summary>
/// Scores a text with every registered <see cref="IQualityScorer"/> and combines the scores by weight into one 0–100
/// score with a per-scorer breakdown. Scorers that do not apply or fail are listed with why and left out of the mean,
/// so a failing judge never drags a score down by a guess.
/// </summary>
public sealed class QualityEnsemble
{
    private readonly IQualityScorer[] _scorers;
    private readonly IOptions<QualityScoringOptions> _options;

    /// <summary>Creates the ensemble over <paramref name="scorers"/> (in their order) with the weights of <paramref name="options"/>.</summary>
    public QualityEnsemble(IEnumerable<IQualityScorer> scorers, IOptions<QualityScoringOptions> options)
    {
        ArgumentNullException.ThrowIfNull(scorers);
        ArgumentNullException.ThrowIfNull(options);
        _scorers = [.. scorers];
        _options = options;
        var duplicate = _scorers.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two quality scorers are named '{duplicate.Key}'; names must be unique.", nameof(scorers));
        }
    }

    /// <summary>The names of the scorers, in order.</summary>
    public IReadOnlyList<string> ScorerNames => [.. _scorers.Select(s => s.Name)];

    /// <summary>Scores <paramref name="request"/>'s text.</summary>
    /// <exception cref="AllixiosException">
    /// InvalidArgument: an empty or too long text (<c>quality_text_empty</c>, <c>quality_text_too_long</c>), a requested
    /// length below 1 (<c>quality_length_invalid</c>), a weight that is negative or names no scorer
    /// (<c>quality_weight_invalid</c>, <c>quality_weight_unknown</c>), weights that leave every scorer that scored at 0
    /// (<c>quality_weights_zero</c>), or a JSON Schema that is not one (<c>quality_schema_invalid</c>).
    /// </exception>
    public async ValueTask<QualityReport> ScoreAsync(QualityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = _options.Value;
        Validate(request, settings);
        var weights = new double[_scorers.Length];
        for (var i = 0; i < _scorers.Length; i++)
        {
            weights[i] = WeightOf(_scorers[i].Name, request, settings);
        }

        if (weights.All(w => w == 0))
        {
            // Said before any scorer runs, so a judge is not paid for a score that cannot be formed.
            throw AllixiosException.Invalid("quality_weights_zero", "Every quality scorer weighs 0, so no score can be formed; give at least one a positive weight.");
        }

        var results = new QualityScorerResult[_scorers.Length];
        for (var i = 0; i < _scorers.Length; i++)
        {
            results[i] = await _scorers[i].ScoreAsync(request, cancellationToken);
        }

        var total = 0.0;
        var weighted = 0.0;
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is { Status: QualityScorerStatus.Scored, Score: { } score })
            {
                total += weights[i];
                weighted += weights[i] * score;
            }
        }

        if (total == 0)
        {
            var scored = _scorers.Where((_, i) => results[i].Status == QualityScorerStatus.Scored).Select(s => s.Name).ToList();
            throw AllixiosException.Invalid(
                "quality_weights_zero",
                scored.Count == 0
                    ? "No quality scorer applies to this text with a weight above 0; give the text a kind, keywords or a length, or weigh the scorers that apply."
                    : $"The scorers that apply to this text ({string.Join(", ", scored)}) all weigh 0; give at least one a positive weight.");
        }

        var components = new QualityComponent[results.Length];
        for (var i = 0; i < results.Length; i++)
        {
            var share = results[i].Status == QualityScorerStatus.Scored ? weights[i] / total : 0;
            components[i] = new QualityComponent(_scorers[i].Name, results[i].Status, results[i].Score, weights[i], Math.Round(share, 4), results[i].Detail);
        }

        var report = new QualityReport(Math.Round(weighted / total, 1), components);
        AllixiosTelemetry.QualityScores.Record(report.Score, new TagList { { "kind", Kind(request) } });
        return report;
    }

    private void Validate(QualityRequest request, QualityScoringOptions settings)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw AllixiosException.Invalid("quality_text_empty", "The text to score is empty; send the text.");
        }

        if (request.Text.Length > settings.MaxTextLength)
        {
            throw AllixiosException.Invalid("quality_text_too_long", string.Create(CultureInfo.InvariantCulture, $"The text has {request.Text.Length} characters; at most {settings.MaxTextLength} are scored."));
        }

        if (request.TargetWords is < 1)
        {
            throw AllixiosException.Invalid("quality_length_invalid", string.Create(CultureInfo.InvariantCulture, $"The requested length is {request.TargetWords} words; it must be at least 1, or left out."));
        }

        foreach (var (name, weight) in request.Weights ?? new Dictionary<string, double>())
        {
            if (!_scorers.Any(s => string.Equals(s.Name, name, StringComparison.Ordinal)))
            {
                throw AllixiosException.Invalid("quality_weight_unknown", $"The weight '{name}' names no scorer; scorers: {string.Join(", ", _scorers.Select(s => s.Name))}.");
            }

            if (double.IsNaN(weight) || double.IsInfinity(weight) || weight is < 0 or > 1000)
            {
                throw AllixiosException.Invalid("quality_weight_invalid", string.Create(CultureInfo.InvariantCulture, $"The weight of '{name}' is {weight}; weights are 0 to 1000."));
            }
        }
    }

    private static double WeightOf(string name, QualityRequest request, QualityScoringOptions settings) =>
        request.Weights is { } weights && weights.TryGetValue(name, out var requested) ? requested
        : settings.Weights.TryGetValue(name, out var configured) ? configured
        : 1;

    private static string Kind(QualityRequest request) => request.JsonSchema is not null ? "json" : request.Kind switch
    {
        QualityContentKind.Article => "article",
        QualityContentKind.Json => "json",
        _ => "text",
    };
}
