using Chat.Contract;

namespace Chat.HttpServer;

/// <summary>Settings of the public API, bound from the "ChatApi" configuration section.</summary>
public sealed class ChatApiOptions
{
    public const string SectionName = "ChatApi";

    /// <summary>Where the RPC server is; "rpcserver" is resolved by service discovery.</summary>
    public Uri RpcServerAddress { get; set; } = new("http://rpcserver");

    /// <summary>The deadline of every call to the RPC server, retries included. Past it the client gets 504.</summary>
    public TimeSpan RpcDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most sends (or pulls) that one batch call to the RPC server carries. Requests under way at the same time
    /// share a call (see <see cref="RpcBatchesInFlight"/>); at most the RPC server's own limit (256 by default).
    /// </summary>
    public int RpcMaxBatchSize { get; set; } = 64;

    /// <summary>
    /// How many batch calls of sends, and as many of pulls, may be under way at once. A request that finds fewer goes
    /// out at once, alone if need be; one that finds this many waits for one to come back and goes out with the
    /// others that waited. Fewer makes larger batches under load (less CPU per request), more lets more requests
    /// through at once when the RPC server is far away.
    /// </summary>
    public int RpcBatchesInFlight { get; set; } = 4;

    /// <summary>The longest message text accepted, in Unicode characters.</summary>
    public int MaxTextLength { get; set; } = TextRules.DefaultMaxTextLength;

    /// <summary>The largest page a pull returns; larger limits are clamped to it.</summary>
    public int MaxPullLimit { get; set; } = PageRules.DefaultMaxLimit;

    /// <summary>The largest request body accepted; a larger one gets 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>What a 503 tells the client to wait before it tries again.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an idle event stream gets a comment line, so that proxies do not close it as dead.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many event streams one client address may hold open on one replica; one more gets 429.</summary>
    public int MaxSubscriptionsPerClient { get; set; } = 16;

    /// <summary>How long a disconnected EventSource waits before it reconnects (the stream's "retry" field).</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The requests a second that one client address may make, sustained; more get 429 with Retry-After. 0 turns the
    /// limit off. Generous, because many users may share one address behind a NAT; it stops a single flooding
    /// client, not a busy office.
    /// </summary>
    public int RateLimitPerSecond { get; set; } = 500;

    /// <summary>The requests one client address may make at once above the sustained rate, after a pause.</summary>
    public int RateLimitBurst { get; set; } = 1000;
}
