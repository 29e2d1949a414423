using Allixios.Quality;
using Allixios.Quality.Scorers;
using Xunit;

namespace Allixios.Sdk.Tests.Quality;

public sealed class JsonSchemaScorerTests
{
    private const string Schema = """
        {"type":"object","required":["title","tags"],"properties":{"title":{"type":"string","minLength":1},"tags":{"type":"array","items":{"type":"string"}}}}
        """;

    private readonly JsonSchemaScorer _scorer = new();

    [Fact]
    public async Task A_document_that_satisfies_the_schema_scores_full_marks_also_inside_a_code_fence()
    {
        var plain = await _scorer.ScoreAsync(new QualityRequest("""{"title":"Spring","tags":["garden"]}""") { JsonSchema = Schema });
        var fenced = await _scorer.ScoreAsync(new QualityRequest("```json\n{\"title\":\"Spring\",\"tags\":[]}\n```") { JsonSchema = Schema });

        Assert.Equal(100, plain.Score);
        Assert.Equal(100, fenced.Score);
    }

    [Fact]
    public async Task A_document_that_violates_the_schema_scores_nothing_with_each_violation_named()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest("""{"title":"","tags":[3]}""") { JsonSchema = Schema });

        Assert.Equal(0, result.Score);
        Assert.Contains("title", result.Detail, StringComparison.Ordinal);
        Assert.Contains("StringTooShort", result.Detail, StringComparison.Ordinal);
        Assert.Contains("tags[0]", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_that_is_not_JSON_scores_nothing()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest("Here is your JSON: {\"title\": \"Spring\"}") { JsonSchema = Schema });

        Assert.Equal(0, result.Score);
        Assert.StartsWith("Not a JSON document", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_schema_is_a_clear_error_not_a_score()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await _scorer.ScoreAsync(new QualityRequest("{}") { JsonSchema = """{"type": """ }));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("quality_schema_invalid", error.Reason);
    }

    [Fact]
    public async Task Without_a_schema_JSON_texts_are_checked_for_well_formedness_and_prose_is_skipped()
    {
        var json = await _scorer.ScoreAsync(new QualityRequest("""{"a":1}""") { Kind = QualityContentKind.Json });
        var broken = await _scorer.ScoreAsync(new QualityRequest("""{"a":""") { Kind = QualityContentKind.Json });
        var prose = await _scorer.ScoreAsync(new QualityRequest("Hello."));

        Assert.Equal(100, json.Score);
        Assert.Equal(0, broken.Score);
        Assert.Equal(QualityScorerStatus.Skipped, prose.Status);
    }
}
