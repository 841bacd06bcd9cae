using System.Globalization;
using StackExchange.Redis;

namespace Chat.RpcServer.Storage;

/// <summary>
/// One message as a sorted-set member: "{send_time}:{sender index}:{text}". The send_time prefix makes members
/// unique (the same text may be sent twice) and is exact where the score, a double, would need care; the sender is
/// the index of the member in the canonical conversation name, which costs one byte whatever the name's length.
/// </summary>
internal readonly record struct StoredMessage(long SendTime, int SenderIndex, string Text)
{
    public static StoredMessage Parse(RedisValue member)
    {
        var value = (string?)member ?? throw new FormatException("A stored message is empty.");
        var timeEnd = value.IndexOf(':', StringComparison.Ordinal);
        if (timeEnd <= 0 || value.Length < timeEnd + 3 || value[timeEnd + 2] != ':')
        {
            throw new FormatException("A stored message does not have the form {send_time}:{sender}:{text}.");
        }

        var sendTime = long.Parse(value.AsSpan(0, timeEnd), NumberStyles.None, CultureInfo.InvariantCulture);
        var senderIndex = value[timeEnd + 1] - '0';
        if (senderIndex is not (0 or 1))
        {
            throw new FormatException("A stored message names a sender other than 0 or 1.");
        }

        return new StoredMessage(sendTime, senderIndex, value[(timeEnd + 3)..]);
    }
}
