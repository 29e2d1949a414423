namespace Allixios.Content;

/// <summary>The payload of a <c>content.generate</c> job: what to write (checked at enqueue against <see cref="JsonSchema"/>).</summary>
public sealed record ContentBrief
{
    /// <summary>The payload's JSON Schema, registered with the job type.</summary>
    public const string JsonSchema = """
        {
          "type": "object",
          "additionalProperties": false,
          "required": ["topic"],
          "properties": {
            "topic": { "type": "string", "minLength": 1, "maxLength": 500 },
            "audience": { "type": "string", "maxLength": 200 },
            "keywords": { "type": "array", "maxItems": 50, "items": { "type": "string", "minLength": 1, "maxLength": 100 } },
            "length": { "type": "integer", "minimum": 50, "maximum": 10000 },
            "tone": { "type": "string", "maxLength": 100 },
            "language": { "type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$" },
            "model": { "type": "string", "minLength": 1, "maxLength": 200 },
            "judge": { "type": "boolean" }
          }
        }
        """;

    /// <summary>What to write about, 1 to 500 characters.</summary>
    public string Topic { get; init; } = string.Empty;

    /// <summary>Who reads it, e.g. <c>home gardeners</c>; none: a general audience.</summary>
    public string? Audience { get; init; }

    /// <summary>Keywords the draft should cover (scored for coverage), up to 50.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>The length in words, 50 to 10,000. Default: 600.</summary>
    public int Length { get; init; } = 600;

    /// <summary>The tone, e.g. <c>friendly</c>; none: neutral.</summary>
    public string? Tone { get; init; }

    /// <summary>The language as a BCP 47 tag. Default: <c>en</c>.</summary>
    public string Language { get; init; } = "en";

    /// <summary>A model (or deployment id) to write with; none lets the tenant's routing policy choose.</summary>
    public string? Model { get; init; }

    /// <summary>Whether a model also judges the draft (a second, paid call); none: <c>Allixios:Quality:JudgeByDefault</c>.</summary>
    public bool? Judge { get; init; }
}
