namespace Allixios.Quality;

/// <summary>One block of a text: a paragraph, a heading or a list item.</summary>
internal sealed record TextBlock(TextBlockKind Kind, string Text);
