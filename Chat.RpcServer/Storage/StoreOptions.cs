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

    /// <summary>How long a client's Idempotency-Key is remembered. The contract promises at least 10 minutes.</summary>
    public TimeSpan ClientKeyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a key that the HTTP server made for its own retries is remembered; it only has to outlive
    /// one HTTP request, so it is kept short to spare Redis memory.</summary>
    public TimeSpan RequestKeyRetention { get; set; } = TimeSpan.FromMinutes(5);
}
