using System.Globalization;
using System.Text;
using System.Text.Json;
using Allixios.AiRouting;
using Allixios.Usage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Allixios.Quality.Scorers;

/// <summary>
/// Model-as-judge: asks a model, through the chat client (the AI router when AI routing is added), to rate the text 0–100
/// and answer with only <c>{"score": n, "reason": "…"}</c>. The answer is parsed strictly: anything but one JSON object
/// whose <c>score</c> is a number from 0 to 100 is a failure, reported with what came back, never a guessed score; so is
/// a failed or refused call. Runs only when the request (or <see cref="QualityScoringOptions.JudgeByDefault"/>) asks.
/// The call names the request's tenant and job, so it is budgeted and recorded like any routed call.
/// </summary>
public sealed class ModelJudgeScorer(IOptions<QualityScoringOptions> options, IChatClient? chat = null) : IQualityScorer
{
    private const int MaxQuoted = 200;

    private const string Instructions = """
        You are a strict editor. Rate how well the text below serves its brief: accuracy, clarity, usefulness to the
        audience, and fit to the brief. Answer with only a JSON object, no other text:
        {"score": <an integer from 0 to 100>, "reason": "<one sentence>"}
        """;

    /// <inheritdoc />
    public string Name => QualityScorerNames.Judge;

    /// <inheritdoc />
    public async ValueTask<QualityScorerResult> ScoreAsync(QualityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        if (!(request.UseJudge ?? settings.JudgeByDefault))
        {
            return QualityScorerResult.Skipped("No judgement was asked for.");
        }

        if (chat is null)
        {
            return QualityScorerResult.Failed("No chat client is registered to judge with; add AI routing (AddAiRouting).");
        }

        var prompt = new StringBuilder();
        if (request.Brief is { Length: > 0 } brief)
        {
            prompt.Append("Brief:\n").Append(brief).Append("\n\n");
        }

        prompt.Append("Text:\n").Append(request.Text);
        var chatOptions = new ChatOptions
        {
            Instructions = Instructions,
            Temperature = 0,
            MaxOutputTokens = settings.JudgeMaxOutputTokens,
            ModelId = settings.JudgeModel,
            AdditionalProperties = [],
        };
        if (request.TenantId is { } tenant)
        {
            chatOptions.AdditionalProperties[AiRouter.TenantIdProperty] = tenant;
        }

        if (request.JobId is { } job)
        {
            chatOptions.AdditionalProperties[AiRouter.JobIdProperty] = job;
        }

        if (request.JobType is { } type)
        {
            chatOptions.AdditionalProperties[AiRouter.JobTypeProperty] = type;
        }

        ChatResponse response;
        try
        {
            response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, prompt.ToString())], chatOptions, cancellationToken);
        }
        catch (Exception e) when (e is AiProviderException or BudgetExceededException or AllixiosException && !cancellationToken.IsCancellationRequested)
        {
            return QualityScorerResult.Failed($"The judge's call failed: {e.Message}");
        }

        var model = response.GetUsageReport()?.Model ?? response.ModelId ?? "the model";
        return Parse(response.Text, model);
    }

    /// <summary>Reads a judge's answer strictly: one JSON object with a numeric <c>score</c> from 0 to 100 (a code fence around it is allowed).</summary>
    internal static QualityScorerResult Parse(string answer, string model)
    {
        var text = answer.Trim();
        if (text.StartsWith("```", StringComparison.Ordinal) && text.EndsWith("```", StringComparison.Ordinal) && text.IndexOf('\n', StringComparison.Ordinal) is > 0 and var newline && newline < text.Length - 3)
        {
            text = text[(newline + 1)..^3].Trim();
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Refused(answer, model, "it is not a JSON object");
            }

            if (!document.RootElement.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number || !score.TryGetDouble(out var value))
            {
                return Refused(answer, model, "it has no numeric \"score\"");
            }

            if (value is < 0 or > 100)
            {
                return Refused(answer, model, string.Create(CultureInfo.InvariantCulture, $"its score {value} is outside 0–100"));
            }

            var reason = document.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return QualityScorerResult.Scored(value, $"{model}: {reason ?? "(no reason given)"}");
        }
        catch (JsonException)
        {
            return Refused(answer, model, "it is not JSON");
        }
    }

    private static QualityScorerResult Refused(string answer, string model, string why)
    {
        var quoted = answer.Length > MaxQuoted ? answer[..MaxQuoted] + "…" : answer;
        return QualityScorerResult.Failed($"{model}'s judgement could not be read ({why}): \"{quoted}\"");
    }
}
