using System.Net.Sockets;
using Chat.RpcServer.Grpc;
using StackExchange.Redis;

namespace Chat.Tests.Unit;

/// <summary>
/// Which failures of the store the RPC server answers UNAVAILABLE (the HTTP server's 503 with Retry-After), and
/// which stay errors. The end-to-end side is in Reliability/RedisFaultTests.cs, which kills and restarts Redis.
/// </summary>
public sealed class StoreFaultTests
{
    public static TheoryData<string, Exception> StoreCannotServeNow => new()
    {
        { "connection lost", new RedisConnectionException(ConnectionFailureType.SocketClosed, "SocketClosed") },
        { "no reply in time", new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent) },
        { "loading after a restart", new RedisServerException("LOADING Redis is loading the dataset in memory") },
        { "script past its time limit", new RedisServerException("BUSY Redis is busy running a script.") },
        { "replica that cannot write", new RedisServerException("READONLY You can't write against a replica.") },
        // What StackExchange.Redis passed on for an EVAL in flight when redis-server was sent SIGKILL.
        {
            "connection reset under a command in flight",
            new Pipelines.Sockets.Unofficial.ConnectionResetException("Connection reset by peer",
                new SocketException((int)SocketError.ConnectionReset))
        },
        { "socket error", new SocketException((int)SocketError.ConnectionRefused) },
    };

    public static TheoryData<string, Exception> CallWentWrong => new()
    {
        { "script error", new RedisServerException("ERR Error running script (call to f_0): @user_script:1: boom") },
        { "wrong type", new RedisServerException("WRONGTYPE Operation against a key holding the wrong kind") },
        { "a bug of the service", new InvalidOperationException("The send script returned something else.") },
    };

    [Theory]
    [MemberData(nameof(StoreCannotServeNow))]
    public void A_store_that_cannot_serve_now_is_unavailable(string because, Exception failure) =>
        Assert.True(StoreFaultInterceptor.IsStoreUnavailable(failure), because);

    [Theory]
    [MemberData(nameof(CallWentWrong))]
    public void A_call_that_went_wrong_is_not_called_unavailable(string because, Exception failure) =>
        Assert.False(StoreFaultInterceptor.IsStoreUnavailable(failure), because);
}
