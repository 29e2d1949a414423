using System.Text;

namespace Allixios.Runtime.Errors;

/// <summary>The stable <c>type</c> URIs and titles of the runtime's problem+json errors.</summary>
internal static class ProblemTypes
{
    public const string BaseUri = "https://allixios.dev/problems/";

    /// <summary>The type URI for a snake_case reason: <c>tenant_not_found</c> becomes <c>…/problems/tenant-not-found</c>.</summary>
    public static string For(string reason) => BaseUri + reason.Replace('_', '-');

    /// <summary>A generic reason for an HTTP status, used when no more specific reason is known.</summary>
    public static string ReasonForStatus(int status) => status switch
    {
        400 => "invalid_argument",
        401 => "unauthenticated",
        403 => "permission_denied",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "request_timeout",
        409 => "already_exists",
        411 => "length_required",
        412 => "failed_precondition",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "resource_exhausted",
        431 => "request_headers_too_large",
        499 => "cancelled",
        501 => "not_implemented",
        503 => "unavailable",
        504 => "deadline_exceeded",
        _ when status >= 500 => "internal_error",
        _ => "bad_request",
    };

    /// <summary>A short title for people: <c>tenant_not_found</c> becomes <c>Tenant not found</c>.</summary>
    public static string TitleFor(string reason)
    {
        var text = new StringBuilder(reason.Replace('_', ' '));
        if (text.Length > 0)
        {
            text[0] = char.ToUpperInvariant(text[0]);
        }

        return text.ToString();
    }
}
