using System.Net.Sockets;
using Grpc.Core;
using Grpc.Core.Interceptors;
using StackExchange.Redis;

namespace Chat.RpcServer.Grpc;

/// <summary>
/// Turns a Redis that cannot be reached, does not answer in time, or answers that it cannot serve yet into
/// UNAVAILABLE, which callers may retry: a send carries an idempotency key, so a retry after a lost reply stores
/// nothing twice.
/// </summary>
public sealed class StoreFaultInterceptor(ILogger<StoreFaultInterceptor> logger) : Interceptor
{
    /// <summary>
    /// Error replies with which Redis refuses a command it has not run because of its own state, not the command's:
    /// reading its data after a restart (LOADING), running a script past its time limit (BUSY), a cluster or replica
    /// set between masters (CLUSTERDOWN, TRYAGAIN, MASTERDOWN, READONLY). Each passes; none has changed anything.
    /// </summary>
    private static readonly string[] NotNowReplies =
        ["LOADING ", "BUSY ", "CLUSTERDOWN ", "TRYAGAIN ", "MASTERDOWN ", "READONLY "];

    /// <summary>Whether the exception says the store cannot serve now, rather than that the call was wrong.</summary>
    /// <remarks>
    /// A command already written when Redis's connection breaks (Redis killed, a reset on the network) can fail
    /// with the socket's own exception instead of <see cref="RedisConnectionException"/>: StackExchange.Redis was
    /// seen to pass on Pipelines.Sockets.Unofficial's ConnectionResetException, an <see cref="IOException"/>, for
    /// an EVAL in flight when redis-server was sent SIGKILL. Such a command may or may not have run, like any whose
    /// reply was lost; a retry with the same idempotency key settles it. A unary handler does no other I/O; a
    /// streaming one also writes to its client, and a write to a client that has gone is told apart by the call's
    /// cancellation (<see cref="ServerStreamingServerHandler"/>).
    /// </remarks>
    public static bool IsStoreUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException refused =>
            NotNowReplies.Any(reply => refused.Message.StartsWith(reply, StringComparison.Ordinal)),
        IOException or SocketException => true,
        _ => false,
    };

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (IsStoreUnavailable(exception))
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
        catch (Exception exception) when (IsStoreUnavailable(exception)
            && !context.CancellationToken.IsCancellationRequested)
        {
            Log.StoreUnavailable(logger, context.Method, exception);
            throw new RpcException(new Status(StatusCode.Unavailable, "The message store is unavailable.", exception));
        }
    }
}
