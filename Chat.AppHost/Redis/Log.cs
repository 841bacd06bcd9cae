using Microsoft.Extensions.Logging;

namespace Chat.AppHost.Redis;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Redis for this run: {Server}, because {Reason}.")]
    public static partial void RedisChosen(ILogger logger, string server, string reason);
}
