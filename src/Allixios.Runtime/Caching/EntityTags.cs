using System.Buffers.Text;
using System.IO.Hashing;

namespace Allixios.Runtime.Caching;

/// <summary>Strong entity tags of response bodies.</summary>
internal static class EntityTags
{
    /// <summary>
    /// A strong ETag of <paramref name="body"/>: the 128-bit XxHash of its bytes, base64url, quoted. XxHash is not a
    /// cryptographic hash, and need not be: the tag only tells a client whether the bytes it holds are still current,
    /// and 128 bits make an accidental collision between two versions of one resource out of the question.
    /// </summary>
    public static string Compute(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(body, hash);
        return "\"" + Base64Url.EncodeToString(hash) + "\"";
    }
}
