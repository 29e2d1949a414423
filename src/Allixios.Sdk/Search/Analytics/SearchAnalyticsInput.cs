using System.Text.RegularExpressions;

namespace Allixios.Search.Analytics;

/// <summary>The checks and limits both analytics stores apply, so that their answers to bad input cannot drift apart.</summary>
internal static partial class SearchAnalyticsInput
{
    public const int MaxQueryText = 10_000;
    public const int MaxUserId = 200;
    public const int MaxDocumentId = 200;
    public const int MaxPosition = 10_000;
    public const int MaxTop = 1_000;
    public const int MinArms = 2;
    public const int MaxArms = 10;
    public const double MaxArmWeight = 1_000;
    public const int MaxExperimentName = 200;
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    public static void Tenant(string tenantId)
    {
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            throw AllixiosException.Invalid("tenant_required", "A tenant id is required.");
        }
    }

    public static void Query(SearchQueryLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.QueryId == Guid.Empty)
        {
            throw AllixiosException.Invalid("search_query_id_invalid", "A logged query needs a query id other than the empty GUID.");
        }

        if (string.IsNullOrWhiteSpace(entry.Text) || entry.Text.Length > MaxQueryText)
        {
            throw AllixiosException.Invalid("search_query_text_invalid", $"A logged query's text must be 1 to {MaxQueryText} characters and not blank.");
        }

        if (!Enum.IsDefined(entry.Mode) || entry.ResultCount < 0 || entry.Latency < TimeSpan.Zero)
        {
            throw AllixiosException.Invalid("search_query_log_invalid", "A logged query needs a known mode, a result count of 0 or more and a latency of 0 or more.");
        }

        if (entry.UserId is not null)
        {
            UserId(entry.UserId);
        }

        if ((entry.ExperimentId is null) != (entry.Arm is null))
        {
            throw AllixiosException.Invalid("search_query_log_invalid", "A logged query names both an experiment and its arm, or neither.");
        }
    }

    public static void Click(SearchClick click)
    {
        ArgumentNullException.ThrowIfNull(click);
        DocumentId(click.DocumentId);
        if (click.Position is < 1 or > MaxPosition)
        {
            throw AllixiosException.Invalid("search_click_position_invalid", $"The click's position is {click.Position}; give the hit's 1-based position in the results, 1 to {MaxPosition}.");
        }
    }

    public static void Interaction(SearchInteraction interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        UserId(interaction.UserId);
        DocumentId(interaction.DocumentId);
        if (!Enum.IsDefined(interaction.Kind))
        {
            throw AllixiosException.Invalid("search_interaction_kind_invalid", $"Interaction kind {(int)interaction.Kind} is not known; use view or click.");
        }
    }

    public static void UserId(string? userId)
    {
        if (string.IsNullOrWhiteSpace(userId) || userId.Length > MaxUserId || userId.Any(char.IsControl))
        {
            throw AllixiosException.Invalid("search_user_id_invalid", $"A user or session id must be 1 to {MaxUserId} characters, not blank, without control characters.");
        }
    }

    public static void DocumentId(string? documentId)
    {
        if (string.IsNullOrEmpty(documentId) || documentId.Length > MaxDocumentId || documentId.Any(char.IsControl))
        {
            throw AllixiosException.Invalid("search_document_id_invalid", $"A document id must be 1 to {MaxDocumentId} characters without control characters.");
        }
    }

    public static void Window(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            throw AllixiosException.Invalid("search_window_invalid", $"The window's end ({to:O}) must come after its start ({from:O}).");
        }

        if (to - from > MaxWindow)
        {
            throw AllixiosException.Invalid("search_window_invalid", $"The window spans {(to - from).TotalDays:0.#} days; at most {MaxWindow.TotalDays:0} are allowed.");
        }
    }

    public static void Stats(QueryStatsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Window(request.From, request.To);
        Top(request.Top);
        if (!Enum.IsDefined(request.Order))
        {
            throw AllixiosException.Invalid("search_report_invalid", $"Report order {(int)request.Order} is not known.");
        }
    }

    public static void RetentionBatch(int batchSize)
    {
        if (batchSize is < 1 or > 100_000)
        {
            throw AllixiosException.Invalid("search_retention_batch_out_of_range", $"A retention batch of {batchSize}; use 1 to 100,000.");
        }
    }

    public static void Top(int top)
    {
        if (top is < 1 or > MaxTop)
        {
            throw AllixiosException.Invalid("search_top_out_of_range", $"Asked for {top} entries; ask for 1 to {MaxTop}.");
        }
    }

    public static void ExperimentId(string? id)
    {
        if (id is null || !IdPattern().IsMatch(id))
        {
            throw AllixiosException.Invalid("search_experiment_id_invalid", $"Experiment id '{id}' is not valid: use 1 to 63 characters of a-z, 0-9, '_', '-' or '.', starting with a letter or digit.");
        }
    }

    public static void ExperimentName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxExperimentName || name.Any(char.IsControl))
        {
            throw AllixiosException.Invalid("search_experiment_name_invalid", $"An experiment's name must be 1 to {MaxExperimentName} characters, not blank, without control characters.");
        }
    }

    public static void Experiment(SearchExperiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ExperimentId(experiment.Id);
        ExperimentName(experiment.Name);
        if (!Enum.IsDefined(experiment.Status))
        {
            throw AllixiosException.Invalid("search_experiment_status_invalid", $"Experiment status {(int)experiment.Status} is not known; use running or stopped.");
        }

        if (experiment.Arms is null || experiment.Arms.Count is < MinArms or > MaxArms)
        {
            throw AllixiosException.Invalid("search_experiment_arms_invalid", $"An experiment needs {MinArms} to {MaxArms} arms; it has {experiment.Arms?.Count ?? 0}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var arm in experiment.Arms)
        {
            if (arm is null || arm.Name is null || !IdPattern().IsMatch(arm.Name))
            {
                throw AllixiosException.Invalid("search_experiment_arms_invalid", $"Arm name '{arm?.Name}' is not valid: use 1 to 63 characters of a-z, 0-9, '_', '-' or '.', starting with a letter or digit.");
            }

            if (!names.Add(arm.Name))
            {
                throw AllixiosException.Invalid("search_experiment_arms_invalid", $"Arm '{arm.Name}' appears twice; give each arm its own name.");
            }

            if (!double.IsFinite(arm.Weight) || arm.Weight <= 0 || arm.Weight > MaxArmWeight)
            {
                throw AllixiosException.Invalid("search_experiment_arms_invalid", $"Arm '{arm.Name}' has weight {arm.Weight}; weights must be more than 0 and at most {MaxArmWeight} (only their ratio matters).");
            }

            Ranking(arm.Name, arm.Ranking);
        }
    }

    private static void Ranking(string arm, RankingConfig? ranking)
    {
        if (ranking is null || !Enum.IsDefined(ranking.Mode))
        {
            throw AllixiosException.Invalid("search_experiment_arms_invalid", $"Arm '{arm}' needs a ranking mode: lexical, semantic or hybrid.");
        }

        if (ranking.Fusion is { } fusion && !Enum.IsDefined(fusion))
        {
            throw AllixiosException.Invalid("search_experiment_arms_invalid", $"Arm '{arm}' has fusion method {(int)fusion}, which is not known; use reciprocal rank or weighted scores.");
        }

        if (ranking.LexicalWeight is { } weight && !(weight is >= 0 and <= 1))
        {
            throw AllixiosException.Invalid("search_experiment_arms_invalid", $"Arm '{arm}' has lexical weight {weight}; use 0 to 1.");
        }

        if (ranking.RrfK is { } k && k is < 0 or > 1_000)
        {
            throw AllixiosException.Invalid("search_experiment_arms_invalid", $"Arm '{arm}' has RRF k {k}; use 0 to 1,000.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,62}$")]
    private static partial Regex IdPattern();
}
