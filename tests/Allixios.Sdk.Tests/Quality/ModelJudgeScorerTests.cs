using Allixios.AiRouting;
using Allixios.Quality;
using Allixios.Quality.Scorers;
using Allixios.Sdk.Tests.AiRouting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.Quality;

public sealed class ModelJudgeScorerTests
{
    private static readonly QualityRequest Asked = new("Spring is here. Plant peas.") { UseJudge = true, Brief = "Write about spring gardening.", TenantId = "acme" };

    private static ModelJudgeScorer Judge(IChatClient? chat, QualityScoringOptions? options = null) => new(Options.Create(options ?? new QualityScoringOptions()), chat);

    [Fact]
    public async Task A_well_formed_answer_is_the_score_with_the_models_reason()
    {
        var chat = new FakeChatClient("""{"score": 83, "reason": "Clear and on brief."}""", new FakeTimeProvider());

        var result = await Judge(chat, new QualityScoringOptions { JudgeModel = "gpt-4o-mini", JudgeMaxOutputTokens = 64 }).ScoreAsync(Asked);

        Assert.Equal(QualityScorerStatus.Scored, result.Status);
        Assert.Equal(83, result.Score);
        Assert.Contains("Clear and on brief.", result.Detail, StringComparison.Ordinal);
        // The call is the tenant's (budgeted and recorded by the router), bounded, and deterministic.
        Assert.Equal("acme", chat.LastOptions!.AdditionalProperties![AiRouter.TenantIdProperty]);
        Assert.Equal("gpt-4o-mini", chat.LastOptions.ModelId);
        Assert.Equal(64, chat.LastOptions.MaxOutputTokens);
        Assert.Equal(0f, chat.LastOptions.Temperature);
    }

    [Theory]
    [InlineData("I would rate this text 8/10.", "it is not JSON")]
    [InlineData("""{"rating": 80}""", "no numeric \"score\"")]
    [InlineData("""{"score": "80"}""", "no numeric \"score\"")]
    [InlineData("""{"score": 150}""", "outside 0–100")]
    [InlineData("""[80]""", "not a JSON object")]
    public async Task An_answer_that_is_not_a_strict_score_is_reported_as_a_failure_never_guessed(string answer, string why)
    {
        var result = await Judge(new FakeChatClient(answer, new FakeTimeProvider())).ScoreAsync(Asked);

        Assert.Equal(QualityScorerStatus.Failed, result.Status);
        Assert.Null(result.Score);
        Assert.Contains(why, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fenced_JSON_answer_is_read()
    {
        var result = await Judge(new FakeChatClient("```json\n{\"score\": 61.5}\n```", new FakeTimeProvider())).ScoreAsync(Asked);

        Assert.Equal(61.5, result.Score);
    }

    [Fact]
    public async Task A_failing_provider_is_reported_as_a_failure()
    {
        var chat = new FakeChatClient("unused", new FakeTimeProvider()) { Failure = new AiProviderException(AiFailureKind.Unavailable, "openai", "503 from openai") };

        var result = await Judge(chat).ScoreAsync(Asked);

        Assert.Equal(QualityScorerStatus.Failed, result.Status);
        Assert.Contains("503 from openai", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_runs_only_when_asked_and_says_when_there_is_no_model_to_ask()
    {
        var chat = new FakeChatClient("""{"score": 90}""", new FakeTimeProvider());

        var notAsked = await Judge(chat).ScoreAsync(Asked with { UseJudge = null });
        var noClient = await Judge(null).ScoreAsync(Asked);

        Assert.Equal(QualityScorerStatus.Skipped, notAsked.Status);
        Assert.Equal(0, chat.Calls);
        Assert.Equal(QualityScorerStatus.Failed, noClient.Status);
        Assert.Contains("AddAiRouting", noClient.Detail, StringComparison.Ordinal);
    }
}
