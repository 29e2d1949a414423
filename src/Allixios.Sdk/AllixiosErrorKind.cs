namespace Allixios;

/// <summary>The kind of an <see cref="AllixiosException"/>; hosts map it to a gRPC status or an HTTP status.</summary>
public enum AllixiosErrorKind
{
    /// <summary>The caller sent something invalid; the message says what to fix (gRPC InvalidArgument, HTTP 400).</summary>
    InvalidArgument,

    /// <summary>The thing named does not exist, or the caller may not see it (gRPC NotFound, HTTP 404).</summary>
    NotFound,

    /// <summary>The thing already exists (gRPC AlreadyExists, HTTP 409).</summary>
    AlreadyExists,

    /// <summary>The request is valid but the current state forbids it (gRPC FailedPrecondition, HTTP 400).</summary>
    FailedPrecondition,

    /// <summary>The caller is not allowed to do this (gRPC PermissionDenied, HTTP 403).</summary>
    PermissionDenied,

    /// <summary>A quota ran out: a budget or a rate limit refused the work (gRPC ResourceExhausted, HTTP 429).</summary>
    ResourceExhausted,
}
