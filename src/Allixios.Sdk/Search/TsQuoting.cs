using System.Text;

namespace Allixios.Search;

/// <summary>Quotes terms for PostgreSQL's tsvector and tsquery input syntax, so no term is ever read as an operator.</summary>
internal static class TsQuoting
{
    public static void AppendLexeme(StringBuilder text, string term)
    {
        text.Append('\'');
        foreach (var c in term)
        {
            if (c is '\'' or '\\')
            {
                text.Append(c);
            }

            text.Append(c);
        }

        text.Append('\'');
    }
}
