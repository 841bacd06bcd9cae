namespace Chat.RpcServer.Live;

/// <summary>Settings of live delivery, bound from the "LiveDelivery" configuration section.</summary>
public sealed class LiveOptions
{
    public const string SectionName = "LiveDelivery";

    /// <summary>How many announced messages one subscription may hold while its caller is still reading earlier
    /// ones. A subscription whose buffer is full is ended (RESOURCE_EXHAUSTED) so that it cannot slow the others;
    /// its caller resumes from the last send_time it received.</summary>
    public int BufferCapacity { get; set; } = 256;
}
