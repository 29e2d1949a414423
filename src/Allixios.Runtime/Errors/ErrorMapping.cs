using Grpc.Core;

namespace Allixios.Runtime.Errors;

/// <summary>
/// The one mapping from Allixios errors to gRPC statuses. The stable error reason travels in the
/// <c>allixios-error-reason</c> trailer for gRPC clients, and in the request's items for the
/// <see cref="ProblemDetailsMiddleware"/> that writes the HTTP problem+json.
/// </summary>
internal static class ErrorMapping
{
    public const string ReasonTrailer = "allixios-error-reason";
    private const string ReasonItem = "allixios.error.reason";
    private const string HttpStatusItem = "allixios.error.http_status";

    public static RpcException ToRpcException(AllixiosException error, HttpContext http)
    {
        var code = error.Kind switch
        {
            AllixiosErrorKind.InvalidArgument => StatusCode.InvalidArgument,
            AllixiosErrorKind.NotFound => StatusCode.NotFound,
            AllixiosErrorKind.AlreadyExists => StatusCode.AlreadyExists,
            AllixiosErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
            AllixiosErrorKind.PermissionDenied => StatusCode.PermissionDenied,
            AllixiosErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
            _ => StatusCode.Unknown,
        };
        return WithReason(new Status(code, error.Message), http, error.Reason);
    }

    public static RpcException WithReason(Status status, HttpContext http, string reason)
    {
        SetReason(http, reason);
        return new RpcException(status, new Metadata { { ReasonTrailer, reason } });
    }

    public static void SetReason(HttpContext http, string reason) => http.Items[ReasonItem] = reason;

    /// <summary>
    /// Answers the HTTP/JSON form of this error with <paramref name="status"/> instead of the status transcoding derives
    /// from the gRPC code (e.g. 412 for a FailedPrecondition that is the server's configuration, not the request's state).
    /// </summary>
    public static void SetHttpStatus(HttpContext http, int status) => http.Items[HttpStatusItem] = status;

    public static int? HttpStatusOf(HttpContext http) => http.Items.TryGetValue(HttpStatusItem, out var status) ? status as int? : null;

    public static string? ReasonOf(HttpContext http) => http.Items.TryGetValue(ReasonItem, out var reason) ? reason as string : null;
}
