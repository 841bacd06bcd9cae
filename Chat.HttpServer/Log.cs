using Grpc.Core;

namespace Chat.HttpServer;

/// <summary>The HTTP server's log messages, source-generated so that disabled levels cost nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "The RPC server is unavailable ({StatusCode}): {Detail}")]
    public static partial void RpcUnavailable(ILogger logger, StatusCode statusCode, string detail);

    [LoggerMessage(2, LogLevel.Warning, "A call to the RPC server passed its deadline of {Deadline}.")]
    public static partial void RpcDeadlineExceeded(ILogger logger, TimeSpan deadline);

    [LoggerMessage(3, LogLevel.Error, "A call to the RPC server failed with {StatusCode}.")]
    public static partial void RpcFailed(ILogger logger, StatusCode statusCode, Exception exception);

    [LoggerMessage(4, LogLevel.Error, "An unexpected error reached the client as 500 (trace {TraceId}).")]
    public static partial void Unexpected(ILogger logger, string traceId, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "An event stream ended by the RPC server ({StatusCode}): {Detail}")]
    public static partial void EventStreamEnded(ILogger logger, StatusCode statusCode, string detail);
}
