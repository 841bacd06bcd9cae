namespace Chat.RpcServer;

/// <summary>The RPC server's log messages, source-generated so that disabled levels cost nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "The message store is unavailable during {Method}.")]
    public static partial void StoreUnavailable(ILogger logger, string method, Exception exception);
}
