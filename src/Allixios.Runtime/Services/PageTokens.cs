using System.Buffers.Text;
using System.Text;

namespace Allixios.Runtime.Services;

/// <summary>Opaque page tokens and page sizes for list calls: a token encodes the last key of the previous page.</summary>
internal static class PageTokens
{
    public const int DefaultPageSize = 100;

    public static string Encode(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastKey));

    public static string? Decode(string token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_page_token", "The page token is not valid: pass the next_page_token of the previous page unchanged, or none for the first page.");
        }
    }

    public static int Size(int requested) => requested == 0 ? DefaultPageSize : requested;
}
