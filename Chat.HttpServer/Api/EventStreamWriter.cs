using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Chat.HttpServer.Api;

/// <summary>
/// Writes a text/event-stream response: one event per message (id = send_time, data = the message as JSON on one
/// line), comment lines as heartbeats, each flushed at once.
/// </summary>
internal sealed class EventStreamWriter(HttpResponse response)
{
    private static readonly byte[] Heartbeat = ": keep-alive\n\n"u8.ToArray();

    /// <summary>Sends the headers and the client's reconnect delay, unbuffered.</summary>
    public async Task StartAsync(TimeSpan reconnectDelay, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        // Asks buffering proxies (nginx among them) to pass events through at once.
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var retry = (long)reconnectDelay.TotalMilliseconds;
        await WriteAsync(Encoding.UTF8.GetBytes($"retry: {retry.ToString(CultureInfo.InvariantCulture)}\n\n"),
            cancellationToken);
    }

    public Task WriteMessageAsync(MessageResponse message, CancellationToken cancellationToken)
    {
        // JSON escapes line breaks inside strings, so the data is always one line.
        var json = JsonSerializer.Serialize(message, ApiJsonContext.Default.MessageResponse);
        var id = message.SendTime.ToString(CultureInfo.InvariantCulture);
        return WriteAsync(Encoding.UTF8.GetBytes($"id: {id}\ndata: {json}\n\n"), cancellationToken);
    }

    public Task WriteHeartbeatAsync(CancellationToken cancellationToken) => WriteAsync(Heartbeat, cancellationToken);

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(bytes, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
