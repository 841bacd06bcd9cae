namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Kestrel's limits, which protect a service from clients that send too much or too slowly; bound from the
/// "ServerLimits" configuration section. The defaults are Kestrel's own except where a comment says otherwise.
/// </summary>
public sealed class ServerLimits
{
    public const string SectionName = "ServerLimits";

    /// <summary>The most bytes all request headers may take together; more gets 431.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>The most request headers one request may carry; more gets 431.</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>The longest HTTP/1.1 request line (method, target, version); longer gets 414.</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>How long a client has to send all its request headers; slower gets 408 and the connection closes.
    /// Shorter than Kestrel's 30 s, so that a slow sender holds a connection for less.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle connection is kept open. Longer than the 60 s idle timeout of common load
    /// balancers, so that the balancer, not the service, closes an idle connection.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>The slowest a request body may arrive, in bytes a second, once <see cref="MinDataRateGracePeriod"/>
    /// has passed; slower gets 408.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>The slowest a client may read a response, in bytes a second, once the grace period has passed;
    /// slower and the connection is closed.</summary>
    public double MinResponseBytesPerSecond { get; set; } = 240;

    /// <summary>How long a body or response may run below the minimum data rates before they apply.</summary>
    public TimeSpan MinDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most connections served at once; more are refused. Kestrel has no limit of its own; this one
    /// keeps a flood of idle connections from exhausting file descriptors.</summary>
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>The most requests in flight at once on one HTTP/2 connection; a client asks for more by opening
    /// another connection.</summary>
    public int Http2MaxStreamsPerConnection { get; set; } = 100;
}
