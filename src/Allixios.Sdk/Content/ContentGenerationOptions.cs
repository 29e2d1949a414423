using System.ComponentModel.DataAnnotations;

namespace Allixios.Content;

/// <summary>The <c>content.generate</c> handler's settings, bound from <c>Allixios:Content:Generation</c>.</summary>
public sealed class ContentGenerationOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Content:Generation";

    /// <summary>The sampling temperature. Default: 0.7. Range: 0 to 2.</summary>
    [Range(0.0, 2.0)]
    public float Temperature { get; set; } = 0.7f;

    /// <summary>
    /// The output bound per requested word: a word is about 1.3 tokens, and the rest is headroom for headings and a
    /// longer draft. It sets the call's maximum cost, which the tenant's budget must hold. Default: 2. Range: 1 to 5.
    /// </summary>
    [Range(1.0, 5.0)]
    public double OutputTokensPerWord { get; set; } = 2;

    /// <summary>The largest output bound whatever the length asked. Default: 16,000 tokens. Range: 100 to 1,000,000.</summary>
    [Range(100, 1_000_000)]
    public int MaxOutputTokens { get; set; } = 16_000;

    /// <summary>The writer's instructions (the system prompt).</summary>
    [Required]
    [MinLength(1)]
    public string Instructions { get; set; } = """
        You are an expert content writer. Write an original, accurate article in Markdown: the title as a level-1
        heading, section headings, short paragraphs and, where it helps the reader, a list. Cover the keywords
        naturally, keep to the requested length, language and tone, and answer with the article only.
        """;
}
