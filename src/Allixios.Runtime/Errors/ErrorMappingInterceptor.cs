using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Allixios.Runtime.Errors;

/// <summary>Turns the SDK's <see cref="AllixiosException"/> into a gRPC status with the error's message and reason.</summary>
internal sealed class ErrorMappingInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (AllixiosException e)
        {
            throw ErrorMapping.ToRpcException(e, context.GetHttpContext());
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (AllixiosException e)
        {
            throw ErrorMapping.ToRpcException(e, context.GetHttpContext());
        }
    }
}
