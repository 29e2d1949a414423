namespace Allixios.Quality;

/// <summary>What a block of text is.</summary>
internal enum TextBlockKind
{
    Paragraph,
    Heading,
    ListItem,
}
