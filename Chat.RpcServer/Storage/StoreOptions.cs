using Chat.Contract;

namespace Chat.RpcServer.Storage;

/// <summary>Settings of the message store, bound from the "MessageStore" configuration section.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "MessageStore";

    /// <summary>The longest message text accepted, in Unicode characters.</summary>
    public int MaxTextLength { get; set; } = TextRules.DefaultMaxTextLength;

    /// <summary>The largest page a pull returns; larger requested limits are clamped to it.</summary>
    public int MaxPageSize { get; set; } = PageRules.DefaultMaxLimit;

    /// <summary>The most sends or pulls that one SendBatch or PullBatch call may carry.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>How long a client's Idempotency-Key is remembered. The contract promises at least 10 minutes.</summary>
    public TimeSpan ClientKeyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a key that the HTTP server made for its own retries is remembered. It only has to outlive
    /// one HTTP request and the HTTP server's retries inside its deadline (ChatApi:RpcDeadline, 5 s), so it is kept
    /// short to spare Redis memory: a minute is twelve times that deadline.</summary>
    /// <remarks>
    /// Known cost, measured in docs/benchmark.md: each such key takes about 177 bytes of Redis for as long as it is
    /// kept, so at 5,000 sends/s the keys of one minute hold about 53 MB (five minutes held 265 MB). A longer
    /// deadline in the HTTP server needs a longer retention here.
    /// </remarks>
    public TimeSpan RequestKeyRetention { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long connecting to Redis may take before the attempt fails and is retried later.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one Redis command may wait for its reply before the call fails with UNAVAILABLE. Well under the HTTP
    /// server's deadline of 5 s, so that a Redis that hangs still leaves room for a retry.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two attempts to reconnect to a Redis that went away.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);
}
