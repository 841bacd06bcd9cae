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

    /// <summary>How long a key that the HTTP server made for its own retries is remembered; it only has to outlive
    /// one HTTP request, so it is kept short to spare Redis memory.</summary>
    /// <remarks>
    /// Known cost, measured in docs/benchmark.md: at 5,000 sends/s the keys of these 5 minutes hold about 265 MB of
    /// Redis, and a burst of sends is followed, this long after, by a burst of expiries that pauses Redis for
    /// milliseconds at a time. A minute would still be twelve times the HTTP server's deadline; it has not been
    /// measured yet, so the default stays.
    /// </remarks>
    public TimeSpan RequestKeyRetention { get; set; } = TimeSpan.FromMinutes(5);

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
