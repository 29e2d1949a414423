using Grpc.Core;

namespace Allixios.Runtime.Errors;

/// <summary>
/// The error answer of the runtime's hand-written HTTP endpoints (Server-Sent Events streams, the dashboard's data),
/// which are not transcoded: written as transcoding writes its errors (the status as its HTTP status, a google.rpc.Status
/// body), so ProblemDetailsMiddleware makes the same problem+json of it.
/// </summary>
internal static class RpcStatusResponse
{
    public static async Task WriteAsync(HttpContext http, Status status)
    {
        http.Response.StatusCode = status.StatusCode switch
        {
            StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
            StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
            StatusCode.NotFound => StatusCodes.Status404NotFound,
            StatusCode.FailedPrecondition => StatusCodes.Status400BadRequest,
            StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
            StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
            // The rest as transcoding maps them, so a hand-written endpoint answers as its transcoded twin would.
            StatusCode.AlreadyExists or StatusCode.Aborted => StatusCodes.Status409Conflict,
            StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
            StatusCode.Cancelled => 499,
            StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
            StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
            _ => StatusCodes.Status500InternalServerError,
        };
        await http.Response.WriteAsJsonAsync(new { code = (int)status.StatusCode, message = status.Detail }, http.RequestAborted);
    }
}
