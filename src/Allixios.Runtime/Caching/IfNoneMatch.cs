using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Allixios.Runtime.Caching;

/// <summary>The <c>If-None-Match</c> precondition of RFC 9110 §13.1.2, evaluated for a GET or HEAD.</summary>
internal static class IfNoneMatch
{
    /// <summary>
    /// Whether the request's <c>If-None-Match</c> matches the current <paramref name="entityTag"/>, so that the answer
    /// is 304: <c>*</c> matches any current representation, and a list matches when any member equals the tag by
    /// weak comparison (RFC 9110 §8.8.3.2: <c>W/"x"</c> matches <c>"x"</c>), because a client revalidating a GET
    /// only needs to know that what it holds is still equivalent. A header that does not parse is ignored, as if it
    /// were absent: a full 200 is always a safe answer.
    /// </summary>
    public static bool Matches(StringValues header, string entityTag)
    {
        if (StringValues.IsNullOrEmpty(header)
            || !EntityTagHeaderValue.TryParseList(header, out var candidates)
            || !EntityTagHeaderValue.TryParse(entityTag, out var current))
        {
            return false;
        }

        foreach (var candidate in candidates)
        {
            if (candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(current, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }
}
