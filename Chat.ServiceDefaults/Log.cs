using Microsoft.Extensions.Logging;

namespace Chat.ServiceDefaults;

/// <summary>The shared defaults' log messages, source-generated so that disabled levels cost nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Stopping: not ready from now on, serving for {DrainDelay} more.")]
    public static partial void Draining(ILogger logger, TimeSpan drainDelay);
}
