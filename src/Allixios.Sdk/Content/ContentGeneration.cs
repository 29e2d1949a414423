namespace Allixios.Content;

/// <summary>The built-in content pipeline's names.</summary>
public static class ContentGeneration
{
    /// <summary>The job type of a brief → routed completion → quality score → stored draft: <c>content.generate</c>.</summary>
    public const string JobType = "content.generate";
}
