using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Allixios.AiRouting;
using Allixios.Orchestration;
using Allixios.Quality;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Allixios.Content;

/// <summary>
/// The <c>content.generate</c> job: the brief becomes a prompt, one streamed completion through the AI router (budgeted
/// in the tenant's budgets and recorded in the usage ledger under the job's id and type), the draft is scored by the
/// quality ensemble, the score is fed back to the router and the quality ledger, and the draft with its score breakdown,
/// model, cost and latency is stored as the job's result (<see cref="IJobResultStore"/>). A budget refusal or a provider
/// failure fails the attempt with its reason, so the job is retried with backoff and dead-lettered when its attempts are
/// spent. When the job itself holds money (it carries an estimated cost, in USD like the catalog's prices), the
/// completion reserves nothing more and its cost settles the job's reservation instead.
/// </summary>
public sealed class ContentGenerationHandler(
    IChatClient chat,
    QualityEnsemble quality,
    QualityFeedback feedback,
    IJobResultStore results,
    IOptions<ContentGenerationOptions> options,
    TimeProvider timeProvider) : IJobHandler<ContentBrief>
{
    /// <summary>How drafts are written as job results: camelCase, enums as snake_case strings.</summary>
    public static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <inheritdoc />
    public async ValueTask HandleAsync(JobContext<ContentBrief> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var brief = context.Payload ?? throw new InvalidOperationException("The content.generate job has no brief.");
        var job = context.Job;
        var settings = options.Value;
        var cancellationToken = context.CancellationToken;
        await context.ReportProgressAsync(5, "writing");

        var chatOptions = new ChatOptions
        {
            Instructions = settings.Instructions,
            Temperature = settings.Temperature,
            MaxOutputTokens = (int)Math.Min(settings.MaxOutputTokens, Math.Ceiling(brief.Length * settings.OutputTokensPerWord)),
            ModelId = brief.Model,
            AdditionalProperties = new()
            {
                [AiRouter.TenantIdProperty] = job.TenantId,
                [AiRouter.JobIdProperty] = job.Id,
                [AiRouter.JobTypeProperty] = job.Type,
            },
        };
        // A job that carries an estimate holds money for its whole attempt (in the prices' currency): the call then
        // reserves nothing more and its cost settles that reservation. A job without one holds nothing: the call reserves.
        var heldByJob = context.BudgetReservation is { Amount: > 0, Currency: AiCallMeter.Currency };
        if (heldByJob)
        {
            chatOptions.AdditionalProperties[AiRouter.BudgetHeldProperty] = true;
        }

        var prompt = Prompt(brief);
        var text = new StringBuilder();
        AiUsageReport? usage = null;
        await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, prompt)], chatOptions, cancellationToken))
        {
            text.Append(update.Text);
            usage = update.GetUsageReport() ?? usage;
        }

        if (usage is null)
        {
            throw new InvalidOperationException("The chat client's stream carried no usage report: content.generate needs the Allixios AI router (AddAiRouting) as the IChatClient, so the call is priced and budgeted.");
        }

        if (heldByJob)
        {
            context.ReportCost(usage.Cost);
        }

        var draft = text.ToString().Trim();
        if (draft.Length == 0)
        {
            throw new InvalidOperationException($"{usage.Model} ({usage.DeploymentId}) returned no text for the brief.");
        }

        await context.ReportProgressAsync(70, "scoring");
        var report = await quality.ScoreAsync(
            new QualityRequest(draft)
            {
                Kind = QualityContentKind.Article,
                Keywords = brief.Keywords,
                TargetWords = brief.Length,
                Language = brief.Language,
                Brief = prompt,
                UseJudge = brief.Judge,
                TenantId = job.TenantId,
                JobId = job.Id,
                JobType = job.Type,
            },
            cancellationToken);
        var now = timeProvider.GetUtcNow();
        await feedback.RecordAsync(
            new QualityRecord(Guid.CreateVersion7(now), job.TenantId, now, usage.Model, report.Score) { DeploymentId = usage.DeploymentId, JobId = job.Id, JobType = job.Type },
            cancellationToken);

        var result = new ContentDraft(
            draft,
            TextStatistics.Of(draft).Words.Count,
            report.Score,
            report.Components,
            usage.Model,
            usage.DeploymentId,
            usage.ProviderName,
            usage.InputTokens,
            usage.OutputTokens,
            usage.UsageEstimated,
            usage.Cost,
            AiCallMeter.Currency,
            Math.Round(usage.Latency.TotalMilliseconds, 1),
            usage.Attempts);
        await results.SetAsync(new JobResult(job.Id, job.TenantId, JsonSerializer.Serialize(result, ResultJson), now), cancellationToken);
        await context.ReportProgressAsync(100, string.Create(CultureInfo.InvariantCulture, $"done: {result.Words} words by {usage.Model}, quality {report.Score:0.#}"));
    }

    private static string Prompt(ContentBrief brief)
    {
        var prompt = new StringBuilder();
        prompt.Append("Write an article about: ").Append(brief.Topic.Trim()).Append('\n');
        prompt.Append("Audience: ").Append(brief.Audience is { Length: > 0 } audience ? audience : "a general audience").Append('\n');
        prompt.Append("Tone: ").Append(brief.Tone is { Length: > 0 } tone ? tone : "neutral").Append('\n');
        prompt.Append("Language: ").Append(brief.Language).Append('\n');
        prompt.Append(CultureInfo.InvariantCulture, $"Length: about {brief.Length} words\n");
        if (brief.Keywords.Count > 0)
        {
            prompt.Append("Keywords to cover: ").Append(string.Join(", ", brief.Keywords)).Append('\n');
        }

        return prompt.ToString();
    }
}
