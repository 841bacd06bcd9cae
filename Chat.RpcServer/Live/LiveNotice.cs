using System.Globalization;
using Chat.RpcServer.Storage;
using StackExchange.Redis;

namespace Chat.RpcServer.Live;

/// <summary>
/// One announcement on a conversation's live channel: a new message and the send_time of the message stored just
/// before it (0 for the first). A subscriber whose last delivered send_time is not <see cref="Previous"/> has missed
/// an announcement and reads the gap from the store.
/// </summary>
internal readonly record struct LiveNotice(long Previous, StoredMessage Message)
{
    public static LiveNotice Parse(RedisValue value)
    {
        var text = (string?)value ?? throw new FormatException("A live notice is empty.");
        var end = text.IndexOf(':', StringComparison.Ordinal);
        if (end <= 0)
        {
            throw new FormatException("A live notice does not have the form {previous}:{member}.");
        }

        var previous = long.Parse(text.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture);
        return new LiveNotice(previous, StoredMessage.Parse(text[(end + 1)..]));
    }
}
