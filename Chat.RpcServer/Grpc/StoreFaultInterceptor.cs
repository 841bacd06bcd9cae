using Grpc.Core;
using Grpc.Core.Interceptors;
using StackExchange.Redis;

namespace Chat.RpcServer.Grpc;

/// <summary>
/// Turns a Redis that cannot be reached, or does not answer in time, into UNAVAILABLE, which callers may retry:
/// a send carries an idempotency key, so a retry after a lost reply stores nothing twice.
/// </summary>
public sealed class StoreFaultInterceptor(ILogger<StoreFaultInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException)
        {
            Log.StoreUnavailable(logger, context.Method, exception);
            throw new RpcException(new Status(StatusCode.Unavailable, "The message store is unavailable.", exception));
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
        catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException)
        {
            Log.StoreUnavailable(logger, context.Method, exception);
            throw new RpcException(new Status(StatusCode.Unavailable, "The message store is unavailable.", exception));
        }
    }
}
