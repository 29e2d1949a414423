namespace Allixios.Quality;

/// <summary>What kind of text is scored; it decides which scorers apply (structure only to articles, JSON validity only to JSON).</summary>
public enum QualityContentKind
{
    /// <summary>Plain prose: a headline, a summary, a product description.</summary>
    Text = 0,

    /// <summary>An article in Markdown (or HTML headings): structure is scored too.</summary>
    Article = 1,

    /// <summary>Structured output: the text must be a JSON document, valid against <see cref="QualityRequest.JsonSchema"/> when one is given.</summary>
    Json = 2,
}
