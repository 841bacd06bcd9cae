namespace Chat.RpcServer.Live;

/// <summary>A subscription's buffer filled up because its caller did not read fast enough.</summary>
internal sealed class SubscriberFellBehindException(int capacity)
    : Exception($"The subscriber fell more than {capacity} messages behind and was disconnected; "
        + "resume after the last send_time received.");
